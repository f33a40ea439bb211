// The quantities a parameterisation conserves under gradient flow (DOMAIN.md section 3), summed
// over the trainable linear edges (fixed edges only add constants).
#pragma once

#include <span>

#include "emulator/network/network.hpp"

namespace spiceloop {

struct Invariants {
  double sum_k2 = 0.0;        // Q = sum k^2 (siemens^2): conserved when learning conductance
  double sum_r2 = 0.0;        // sum R^2 (ohms^2): learning resistance
  double sum_ln_k = 0.0;      // sum ln(k / 1 S): learning log-conductance
  double sum_k2_over_rate = 0.0;  // sum k^2 / s_j: learning conductance with per-edge rates s_j
};

Invariants measure_invariants(const Network& net, std::span<const double> rate_factors);

// k . dk over trainable linear edges (siemens^2).
double dot_trainable(const Network& net, std::span<const double> k, std::span<const double> dk);

}  // namespace spiceloop
