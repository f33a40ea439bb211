#include "tools/spiceloop/make_simulator.hpp"

#include "drivers/client/hil/hil_simulator.hpp"
#include "emulator/core/error.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/spice/ngspice_simulator.hpp"

namespace spiceloop::cli {

std::unique_ptr<Simulator> make_simulator(const BackendChoice& choice) {
  if (choice.backend == "ideal") return std::make_unique<IdealSimulator>(choice.tolerances);
  if (choice.backend == "ngspice") return std::make_unique<NgspiceSimulator>(choice.tolerances);
  if (choice.backend == "hil") {
    if (choice.instruments.empty())
      throw InputError("cli.instruments", "--instruments",
                       "--backend hil needs --instruments ADDRS.json, the instruments' addresses (written by "
                       "`spiceloop serve BENCH --addresses ADDRS.json`, or by hand for real instruments)");
    return std::make_unique<hil::HilSimulator>(choice.instruments);
  }
  throw InputError("cli.backend", "--backend", "unknown backend '" + choice.backend + "'");
}

}  // namespace spiceloop::cli
