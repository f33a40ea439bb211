#include "drivers/client/hil/hil_simulator.hpp"
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
  if (allow_hil)
    cmd.add_option("--bench", args.hil_addresses,
                   "With --backend hil: the addresses file `spiceloop serve BENCH --addresses` writes");
}

std::unique_ptr<Simulator> make_hil_simulator(const std::string& addresses_file) {
  if (addresses_file.empty())
    throw InputError("cli.bench", "--bench",
                     "--backend hil needs --bench ADDRS.json, the instruments' addresses (written by "
                     "`spiceloop serve BENCH --addresses ADDRS.json`, or by hand for real instruments)");
  return std::make_unique<hil::HilSimulator>(addresses_file);
}

std::unique_ptr<Simulator> make_simulator(const BackendArgs& args) {
  if (args.backend == "ideal") return std::make_unique<IdealSimulator>(args.tolerances);
  if (args.backend == "ngspice") return std::make_unique<NgspiceSimulator>(args.tolerances);
  if (args.backend == "hil") return make_hil_simulator(args.hil_addresses);
  throw InputError("cli.backend", "--backend", "unknown backend '" + args.backend + "'");
}

}  // namespace spiceloop::cli
