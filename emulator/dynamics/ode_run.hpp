// The learning machine in time on the ideal backend: the same flow as an ODE in the learned
// parameters, d p / dt = v_win(t) rate g(p, sample(t)) (spec.hpp), integrated by Boost.Odeint's
// controlled Dormand-Prince 5(4) with relative tolerance = the experiment's reltol.
// The fast nodes are taken quasistatic: at every right-hand side the twin network is solved exactly
// (IdealSimulator::solve_twin) at the present parameters. Why: the node time constant C_node / G
// (1 ns - 1 us here) is 2-5 orders of magnitude below a window, and each window opens after the nodes
// have relaxed to their sample for period - window - 2 edges (many time constants); integrating the
// nodes too would make the system stiff for a correction of order tau / window per change of k
// (below the 1e-4 agreement with ngspice's transient, which does integrate them). Outside windows
// nothing moves, so each window is integrated alone, in three pieces (rise, top, fall) so that the
// integrator never steps across a corner of the window. With "relaxation": "integrated" (spec.hpp)
// run_on_ideal runs ode_relax.hpp's flow instead, which integrates the nodes too.
// With "noise_kelvin" > 0 it is the Langevin flow of ode_noise.hpp instead.
#pragma once

#include "emulator/dynamics/machine.hpp"
#include "emulator/dynamics/trajectory.hpp"

namespace spiceloop {

Trajectory run_on_ideal(const Machine& m);

}  // namespace spiceloop
