// The fits written into summary.json, from results.csv alone (so that a gathered or resumed file
// gives the same fits). Each fit compares with the theory of DOMAIN.md section 3:
//   eta_slope       d log|dQ| / d log nu at the smallest alpha, over points where the nudge term
//                   is at least 10x the Euler term: theory 1.
//   alpha_slope     d log|dQ| / d log alpha at the smallest nudge, over points where the Euler term
//                   is at least 10x the nudge term: theory 2.
//   sign_flip       the nudge where dQ changes sign (log-interpolated), against eta_star_pred.
//   invariants      per parameterisation, at the smallest alpha and nudge, the median normalised drift of sum k^2, sum R^2, sum ln k,
//                   and which one is smallest (conserved): theory k^2 / R^2 / ln k.
//   breakers        per symmetry breaker (and update mode), nudge_rel_err with it on vs all off.
//   backends        per backend and reltol, the identity error against the nudge: where the
//                   simulator, not physics, dominates.
//   continuous_limit total dQ over a run to fixed t against the integrated nudge prediction.
//   signal          every network (diodes and transistors too): the first step's signal drift from
//                   its small-nudge prediction per network, rule and simulator against the nudge,
//                   and for a non-ideal simulator the largest nudge where its drift exceeds twice
//                   the ideal backend's (and 1e-6, above the rounding floor): below it the
//                   tolerances, not physics, dominate.
// Rows of nonlinear networks (NaN identity predictions) enter only "signal" and the slopes.
// The summaries (means, ratios, invariants, breakers, continuous limit) take the reference rows:
// the ideal backend's, or in a sweep without them (`--backend ngspice`) its tightest reltol's,
// named in "reference"; continuous, conductance, breaker-free.
#pragma once

#include <nlohmann/json.hpp>

#include "emulator/study/result_table.hpp"

namespace spiceloop::study {

nlohmann::json fit_results(const ResultTable& table);

// Least-squares slope of y on x; NaN for fewer than two distinct x.
double fit_slope(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace spiceloop::study
