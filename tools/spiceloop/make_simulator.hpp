// The one factory of simulators by name, for every command and test that picks a backend at run
// time: "ideal" (emulator/solver), "ngspice" (emulator/spice) and "hil" (drivers/client/hil, the
// instruments an addresses file names). The study takes it as its SimulatorFactory, through a
// lambda that names a backend and tolerances. Tools may depend on every backend; the library may not.
#pragma once

#include <memory>
#include <string>

#include "emulator/sim/simulator.hpp"

namespace spiceloop::cli {

struct BackendChoice {
  std::string backend = "ngspice";  // ideal, ngspice or hil
  SolverOptions tolerances;         // ideal and ngspice; the instruments have their own
  std::string instruments;          // hil: the addresses file `spiceloop serve BENCH --addresses` writes
};

// InputError cli.backend for an unknown name, cli.instruments for hil without an addresses file,
// cli.tolerance for tolerances outside their ranges (emulator/sim/option_ranges.hpp).
std::unique_ptr<Simulator> make_simulator(const BackendChoice& choice);

// InputError cli.tolerance naming the flag (--reltol, --abstol, --vntol, --gmin) of the first
// value outside its range.
void check_tolerances(const SolverOptions& tolerances);
std::string tolerance_flag(const std::string& key);

}  // namespace spiceloop::cli
