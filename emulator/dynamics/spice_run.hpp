// The learning machine in time on ngspice: the whole twin machine as one circuit and one `tran`
// (transient_deck.hpp), run by an ngspice worker (emulator/spice) whose reply holds every accepted
// timepoint of the parameters and outputs; the trajectory's rows are read from them by linear
// interpolation at each window's opening (loss) and each period's end (parameters), times that
// are breakpoints of the window source, so ngspice lands on them.
#pragma once

#include <string>

#include "emulator/dynamics/machine.hpp"
#include "emulator/dynamics/trajectory.hpp"

namespace spiceloop {

// A run ngspice could not finish returns complete = false with the rows it reached.
Trajectory run_on_ngspice(const Machine& m);

// The deck the run uses, with a .control block that runs it unchanged in the `ngspice` program and
// writes the parameters and outputs (time first) to results_file in its working directory.
std::string machine_deck(const Machine& m, const std::string& results_file = "transient.data");

}  // namespace spiceloop
