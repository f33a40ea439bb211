// Exact increments of the invariants of DOMAIN.md section 3 for one step k -> k + dk over the
// trainable linear edges, written so that a tiny step keeps its digits (no difference of two
// large sums), with the norms |grad I| |dk| that make them comparable across invariants.
#pragma once

#include <span>

#include "emulator/network/network.hpp"

namespace spiceloop::study {

struct InvariantStep {
  double d_k2 = 0, d_r2 = 0, d_lnk = 0;           // increments of sum k^2, sum R^2, sum ln k
  double scale_k2 = 0, scale_r2 = 0, scale_lnk = 0;  // |grad I| |dk| of each
  double nudge_k2 = 0, euler_k2 = 0;              // 2 k.dk and |dk|^2 (d_k2 = their sum)
};

InvariantStep invariant_step(const Network& net, std::span<const double> k, std::span<const double> dk);

// |d| / scale, 0 for a step of zero length.
inline double normalised(double d, double scale) { return scale > 0 ? (d < 0 ? -d : d) / scale : 0.0; }

}  // namespace spiceloop::study
