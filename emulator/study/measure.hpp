// One sweep point: the first learning step measured against the exact theory of DOMAIN.md section 3,
// then a training run to the fixed time t = alpha x steps.
//
// Convention: the rule's factor c (rule.hpp, "code": c = 1, "half": c = 1/2) multiplies the update;
// f = identity_factor = 2c. On Q = sum k^2 over the trainable edges, one Euler step gives
//   dQ = 2 k.dk (nudge term) + |dk|^2 (Euler term), and the theory says, from the same state,
//   nudge_pred = -f alpha nu S, S = r^T H r (CL) or r^T H^-1 r (EP), 0 for centered EP (exact, any nu);
//   euler_pred = alpha^2 |m(k) 2c v|^2, the nu -> 0 step: v = J^T H r (CL), J^T r = -dL/dk (EP)
//                (J = dV_O/dk; m from the parameterisation, update.hpp);
//   eta_star_pred = euler_pred / (f alpha S): the nudge where the two balance (sign flip of dQ).
// r and S come from the exact oracle (ideal solver), whatever backend measures: on ngspice the
// residual nudge_rel_err therefore holds simulator error as well as physics.
// nudge_rel_err = |nudge_term - nudge_pred| / |nudge_pred| (or / (2 |k| |dk|) when nudge_pred = 0):
// the drift a symmetry breaker adds, ~1e-12 on an ideal network without one.
// signal_rel_err = |g - g0| / |g0|: the first step's update signal against its small-nudge
// prediction g0 from the exact backend (small_nudge.hpp), on any network. It is the drift measure
// for nonlinear networks (diodes, transistors), where no exact identity exists: there s_quad,
// nudge_pred, nudge_rel_err, euler_pred, eta_star_pred and total_nudge_pred are NaN; the invariants
// cover trainable resistors only (a transistor's gate steps in volts, whatever "parameter" says).
// alpha is conductance-equivalent: learning R or ln k uses alpha / m(k_rms) (steps of one size).
// Invariant drifts are normalised, |dI| / (|grad I| |dk|): the fraction of the step that moves I;
// it is O(nu + alpha) for the invariant the parameterisation conserves and O(1) for the others.
#pragma once

#include <cstdint>

#include "emulator/sim/simulator.hpp"
#include "emulator/study/point_network.hpp"
#include "emulator/study/sweep_spec.hpp"

namespace spiceloop::study {

struct PointResult {
  // First step.
  double loss0 = 0, s_quad = 0;
  double nudge_term = 0, nudge_pred = 0, nudge_rel_err = 0;
  double euler_term = 0, euler_pred = 0;
  double dq = 0, dq_over_q = 0, eta_star_pred = 0, cos_grad = 0, signal_rel_err = 0;
  double drift_k2 = 0, drift_r2 = 0, drift_lnk = 0;  // normalised, per step
  // Run to t = alpha x run_steps.
  std::int64_t run_steps = 0;
  double loss_final = 0, total_dq = 0, total_dq_rel = 0, total_nudge_pred = 0;
  double total_k2 = 0, total_r2 = 0, total_lnk = 0;  // normalised over the run's path
};

// sim is loaded with the circuit here. Throws SimulationError for a failed solve or a non-finite
// value.
PointResult measure_point(const PointCircuit& circuit, const SweepPoint& point, FactorConvention convention,
                          std::int64_t max_steps, Simulator& sim);

}  // namespace spiceloop::study
