// Conservation in continuous time (DOMAIN.md section 3, item 5): how far Q = sum k^2 moves over a
// run of the learning machine, against what the finite nudge alone predicts.
// On a linear resistor machine with every edge learned (voltage-source inputs, CL), the flow
// dk/dt = v_win(t) rate g (spec.hpp) obeys exactly, at every instant of the quasistatic flow,
//   dQ/dt = 2 k . dk/dt = -identity_factor * eta * rate * v_win(t) * S(t),   S = r^T H r
// (rule.hpp's identity; H the conductance matrix seen at the outputs with inputs grounded, r the
// free residual). There is no Euler |dk|^2 term in continuous time: Q's drift is the nudge's alone.
// Predicted drift of period p: k moves only while its window is open, at dk/du = rate g with
// u = integral of v_win dt (0 .. window + edge), so the window's integral of v_win S dt is the
// integral of S du, taken from the period's two rows (the parameters before and after its window,
// its sample) by the trapezoid rule in u with its Euler-Maclaurin end correction (S' = dS/du by a
// central difference along rate g): the plain trapezoid was off by 4e-6 of the drift on
// netlists/transient/drift_lab16.json, the corrected rule by 1e-10 (the ODE's run against it).
// S comes from the ideal solver at the trajectory's own parameters, so on ngspice the gap measures
// the circuit's departure from the quasistatic flow and its integration error.
// The departure, to first order in the node capacitance C (relaxation): while k moves, each copy's
// nodes trail their quasistatic voltages by -L^-1 C dV*/dt, which shifts g at order 1, not eta
// (the bracket (dV_F)^2 - (dV_C)^2 is O(eta), its lag too), so
//   dQ/dt gains 2 rate v_win k . dg = 2 (rate v_win)^2 Lambda,   Lambda = k . dg at rate v_win = 1
// (dg, the shift of g by the lag, is proportional to dk/dt),
// positive on lab16, quadratic in alpha, proportional to C / window and independent of eta: the
// relaxation's analogue of the Euler |dk|^2 term. Over a window v_win^2 integrates to the window
// plus 2/3 of an edge; Lambda is averaged over the period's two rows. Measured on drift_lab16.json at
// eta 1e-5: ngspice's excess over the nudge's drift matches it within 0.5 % at 0.1-10 pF.
#pragma once

#include <optional>

#include "emulator/dynamics/machine.hpp"
#include "emulator/dynamics/trajectory.hpp"

namespace spiceloop {

struct QDrift {
  double measured = 0.0;    // Q at the last row minus Q at t = 0 (siemens^2)
  double predicted = 0.0;   // -identity_factor * eta * rate * integral v_win S dt over the rows' periods
  double s_integral = 0.0;  // integral of v_win S dt (watts seconds)
  // What node capacitance adds, to first order (above): the quasistatic ODE has no such term;
  // ngspice's drift and the node-integrating ODE's (ode_relax.hpp) are predicted + relaxation.
  double relaxation = 0.0;  // siemens^2
};

// Whether the prediction is made for the machine: CL on a linear network, every edge a learned
// resistor, learning in windows (with continuous learning each new sample's inputs ramp while k
// moves, which the per-period quadrature and the relaxation term above do not model).
bool drift_prediction_applies(const Machine& m);

// The drift over t's rows (empty when the prediction does not apply, t has no period, or a row
// holds a conductance that is not positive).
std::optional<QDrift> q_drift(const Machine& m, const Trajectory& t);

}  // namespace spiceloop
