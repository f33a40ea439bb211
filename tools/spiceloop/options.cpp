// Options and output shared by subcommands: the backend choice, the phase and its values, and
// printing or writing a file.
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

void add_phase_options(CLI::App& cmd, PhaseChoice& choice) {
  cmd.add_option("--phase", choice.phase, "free | clamped | nudged | twin")
      ->check(CLI::IsMember({"free", "clamped", "nudged", "twin"}))
      ->capture_default_str();
  cmd.add_option("--values", choice.values,
                 "One per output: clamp volts (clamped), injected amps (nudged), targets (twin)")
      ->delimiter(',');
  cmd.add_option("--eta", choice.eta, "Twin clamp factor in (0, 1]")->capture_default_str();
}

Drive drive_for(const Network& net, const PhaseChoice& a) {
  Drive d;
  const size_t n_out = net.outputs.size();
  auto need_values = [&](const char* what) {
    if (a.values.size() != n_out)
      throw InputError("cli.values", "--values",
                       fmt::format("the {} phase needs {} {} (one per output), got {}", a.phase, n_out, what,
                                   a.values.size()));
    return a.values;
  };
  if (a.phase == "free") {
    d.phase = Phase::Free;
  } else if (a.phase == "clamped") {
    d.phase = Phase::Clamped;
    d.clamp_volts = need_values("clamp voltages");
  } else if (a.phase == "nudged") {
    d.phase = Phase::Nudged;
    d.nudge_amps = need_values("nudge currents (A, into the output)");
  } else {
    d.phase = Phase::Twin;
    d.twin_targets = need_values("target voltages");
    d.twin_eta = a.eta;
  }
  return d;
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
