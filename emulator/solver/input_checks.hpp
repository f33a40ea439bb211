// Checks of what the ideal backend is handed, before anything is solved. Networks normally come
// through the JSON loader, which validates more; these checks guard programmatic networks and every
// drive. Failures throw InputError: ids "solver.network", "solver.conductance", "solver.drive",
// with the offending field (e.g. "drive.clamp_volts", "edges[3]") as the location.
// Nothing here is specific to the Eigen solver; it could move to emulator/sim/ for ngspice too.
#pragma once

#include <span>

#include "emulator/network/network.hpp"
#include "emulator/sim/simulator.hpp"

namespace spiceloop {

// Indices in range, inputs and outputs distinct and not the ground, element values finite and
// positive where the law needs it (diode is_amps and emission > 0, conductances >= 0).
void check_network(const Network& net);

// One finite, non-negative conductance per edge (diode entries are not read).
void check_conductances(const Network& net, std::span<const double> siemens);

// Vector sizes against the network's inputs and outputs, finite values, twin_eta in (0, 1].
void check_drive(const Network& net, const Drive& drive);

}  // namespace spiceloop
