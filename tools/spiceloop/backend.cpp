// The options of subcommands that pick a backend (built by make_simulator).
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

}  // namespace spiceloop::cli
