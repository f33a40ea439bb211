// The range of every SolverOptions field, the same for every backend, checked where options enter
// (experiment and sweep files, command-line flags) before any solve: ngspice takes a negative
// reltol, abstol or vntol without complaint and fails much later with "Timestep too small".
//   reltol                 (0, 1)        a relative tolerance of 1 or more accepts any answer
//   abstol_amps            (0, 1] A
//   vntol_volts            (0, 1] V
//   gmin_siemens           [0, 1e-3] S   more would swamp the network (1 kOhm across every junction)
//   newton_max_iterations  1 .. 1000000
//   kcl_tolerance          (0, 1]        of the largest edge current
// Tests may build other values in code (an exact Newton with vntol 0); the backends accept them.
#pragma once

#include <optional>
#include <string>

#include "emulator/sim/simulator.hpp"

namespace spiceloop {

struct OptionProblem {
  std::string key;      // as the JSON formats name it: "reltol", "abstol_amps", ...
  std::string message;  // what the range is and what was given
};

// The first field outside its range, or none.
std::optional<OptionProblem> solver_options_problem(const SolverOptions& options);

}  // namespace spiceloop
