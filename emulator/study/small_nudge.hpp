// The small-nudge prediction of a rule's update signal: g0 = lim_{nu -> 0} g(nu), from the exact
// backend, for any network (linear, diodes, transistors). With dV^nu = dV^F + nu d1 + nu^2 d2 + ...
// the rule gives g(nu) = g0 + nu g1 + O(nu^2), g0 = -2c dV^F d1 (rule.hpp's c). The average
// A(h) = [g(h) + g(-h)] / 2 = g0 + h^2 g2 + O(h^4) and Richardson's (4 A(h) - A(2h)) / 3 leave
// O(h^4); h is 1e-3 for CL (eta) and 1e-3 times the free state's median edge conductance |I / dV|
// for EP (beta, siemens), so the prediction is good to ~1e-11 relative (rounding ~eps / h).
// Centered EP has the limit of EP.
//
// On a linear network the finite-nudge update drifts from g0 by nu |g1| / |g0| exactly
// (g1 = -c d1^2); on a nonlinear one by that plus the curvature of the device laws. A simulator
// with loose tolerances adds ~tol / nu (the clamp difference loses log10(1 / nu) digits), so the
// measured drift against nu has a floor: below it the simulator, not physics, dominates.
#pragma once

#include <span>
#include <vector>

#include "emulator/learning/rules/rule.hpp"
#include "emulator/solver/ideal_simulator.hpp"

namespace spiceloop::study {

// The ideal backend's options for measuring physics: Newton runs to its rounding floor (the
// stopping test cannot pass before it), so a diode or transistor network's solution carries no
// tolerance of its own. The reference of small_nudge_signal and the sweep's "ideal" backend.
SolverOptions exact_options();

// g0 per edge (0 where the rule gives none) at the network `exact` has loaded, inputs as loaded.
std::vector<double> small_nudge_signal(const RuleSpec& rule, std::span<const double> targets, IdealSimulator& exact);

// |g - g0| / |g0| over the edges (0 when both vanish, infinity when only g0 does).
double signal_rel_err(std::span<const double> g, std::span<const double> g0);

}  // namespace spiceloop::study
