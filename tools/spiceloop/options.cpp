// Options and output shared by subcommands: the backend choice, and printing or writing a file.
#include <fmt/format.h>

#include <fstream>

#include "emulator/core/error.hpp"
#include "tools/spiceloop/commands.hpp"

namespace spiceloop::cli {

void add_backend_options(CLI::App& cmd, BackendChoice& choice) {
  cmd.add_option("--backend", choice.backend, "Simulator: ngspice (circuit level) or ideal (Eigen, exact)")
      ->check(CLI::IsMember({"ngspice", "ideal"}))
      ->capture_default_str();
  cmd.add_option("--reltol", choice.tolerances.reltol, "ngspice reltol")->capture_default_str();
  cmd.add_option("--abstol", choice.tolerances.abstol_amps, "ngspice abstol (A)")->capture_default_str();
  cmd.add_option("--vntol", choice.tolerances.vntol_volts, "ngspice vntol (V)")->capture_default_str();
  cmd.add_option("--gmin", choice.tolerances.gmin_siemens, "ngspice gmin (S)")->capture_default_str();
}

void print_or_write(const std::string& text, const std::filesystem::path& path, const std::string& what) {
  if (path.empty()) {
    fmt::print("{}", text);
    return;
  }
  std::ofstream out(path);
  out << text;
  if (!out) throw InputError("cli.write", path.string(), "cannot write the " + what + " file");
}

}  // namespace spiceloop::cli
