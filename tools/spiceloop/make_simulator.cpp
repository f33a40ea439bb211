#include "tools/spiceloop/make_simulator.hpp"

#include "drivers/client/hil/board_simulator.hpp"
#include "drivers/client/hil/hil_simulator.hpp"
#include "emulator/core/error.hpp"
#include "emulator/sim/option_ranges.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/spice/ngspice_simulator.hpp"

namespace spiceloop::cli {

void check_tolerances(const SolverOptions& tolerances) {
  if (const auto problem = solver_options_problem(tolerances))
    throw InputError("cli.tolerance", tolerance_flag(problem->key), problem->message);
}

std::string tolerance_flag(const std::string& key) {
  if (key == "reltol") return "--reltol";
  if (key == "abstol_amps") return "--abstol";
  if (key == "vntol_volts") return "--vntol";
  if (key == "gmin_siemens") return "--gmin";
  return "tolerances/" + key;  // not a flag: set in a file
}

std::unique_ptr<Simulator> make_simulator(const BackendChoice& choice) {
  check_tolerances(choice.tolerances);
  if (choice.backend == "ideal") return std::make_unique<IdealSimulator>(choice.tolerances);
  if (choice.backend == "ngspice") return std::make_unique<NgspiceSimulator>(choice.tolerances);
  if (choice.backend == "hil") {
    if (choice.instruments.empty())
      throw InputError("cli.instruments", "--instruments",
                       "--backend hil needs --instruments ADDRS.json, the instruments' addresses (written by "
                       "`spiceloop serve BENCH --addresses ADDRS.json`, or by hand for real instruments)");
    const hil::HilAddresses addresses = hil::load_addresses_file(choice.instruments);
    // A "board" address: the transistor machine's lab board (`spiceloop board --addresses`).
    if (addresses.board) return std::make_unique<hil::BoardSimulator>(addresses);
    return std::make_unique<hil::HilSimulator>(addresses);
  }
  throw InputError("cli.backend", "--backend", "unknown backend '" + choice.backend + "'");
}

}  // namespace spiceloop::cli
