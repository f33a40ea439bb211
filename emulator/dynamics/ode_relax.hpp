// The learning machine in time on the ideal backend beyond the quasistatic limit ("relaxation":
// "integrated", spec.hpp): the ODE integrates the node voltages of both copies together with the
// learned parameters, as ngspice's transient of the deck (transient_deck.hpp) does:
//   C_node dV_n/dt = sum of the edge currents into n          (every node not held by a source)
//   d u_j / dt     = v_win(t) learn_rate_j [(dV_F)^2 - (dV_C)^2]   (u_j the deck's control volts)
// Held nodes, as in the deck: ground; every input (an ideal source, the sample's PWL, both copies);
// each clamped output, driven by a VCVS in series with a source to (1 - eta) V_F(o) + eta T_o(t), so it
// follows the free output with no lag. A capacitor on a held node carries current but has no state.
// Edges: resistors, digipots and linear memristors (I = G dV, a learned one G = siemens_per_volt u) and
// transistors (transistor.hpp's law, a learned one's gate = u); other kinds are refused
// (InputError dynamics.unsupported at /dynamics/relaxation).
// The nodes start at the twin DC state of t = 0, as ngspice's first operating point puts them.
// Integrator: Boost.Odeint's Rosenbrock 4 (linearly implicit, A-stable, controlled; Jacobian and
// df/dt by finite differences). Why stiff: the node rate G/C ranges from far above the learning rate
// (C -> small, where this flow must meet the quasistatic one, ode_run.hpp) to below it, and an
// explicit method would take steps of C/G through the whole run in the first case.
// Each period is integrated piece by piece between the corners of its input ramp and its window. A
// learned conductance found <= 0 at a period's end stops the run (complete = false, rows kept).
#pragma once

#include "emulator/dynamics/machine.hpp"
#include "emulator/dynamics/trajectory.hpp"

namespace spiceloop {

Trajectory run_relaxed(const Machine& m);

}  // namespace spiceloop
