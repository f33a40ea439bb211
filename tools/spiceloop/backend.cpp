#include "emulator/core/error.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/spice/ngspice_simulator.hpp"
#include "tools/spiceloop/commands.hpp"

namespace spiceloop::cli {

void add_backend_options(CLI::App& cmd, BackendArgs& args, bool allow_hil) {
  std::vector<std::string> names = {"ngspice", "ideal"};
  if (allow_hil) names.push_back("hil");
  cmd.add_option("--backend", args.backend, "Simulator: ngspice (circuit level) or ideal (Eigen, exact)")
      ->check(CLI::IsMember(names))
      ->capture_default_str();
  cmd.add_option("--reltol", args.tolerances.reltol, "ngspice reltol")->capture_default_str();
  cmd.add_option("--abstol", args.tolerances.abstol_amps, "ngspice abstol (A)")->capture_default_str();
  cmd.add_option("--vntol", args.tolerances.vntol_volts, "ngspice vntol (V)")->capture_default_str();
  cmd.add_option("--gmin", args.tolerances.gmin_siemens, "ngspice gmin (S)")->capture_default_str();
}

std::unique_ptr<Simulator> make_simulator(const BackendArgs& args) {
  if (args.backend == "ideal") return std::make_unique<IdealSimulator>(args.tolerances);
  if (args.backend == "ngspice") return std::make_unique<NgspiceSimulator>(args.tolerances);
  throw InputError("cli.backend", "--backend", "unknown backend '" + args.backend + "'");
}

}  // namespace spiceloop::cli
