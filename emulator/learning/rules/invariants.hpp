// The quantities a parameterisation conserves under gradient flow (DOMAIN.md section 3), summed
// over the trainable linear edges (fixed edges only add constants).
#pragma once

#include <span>

#include "emulator/network/network.hpp"
#include "emulator/sim/state.hpp"

namespace spiceloop {

struct Invariants {
  double sum_k2 = 0.0;        // Q = sum k^2 (siemens^2): conserved when learning conductance
  double sum_r2 = 0.0;        // sum R^2 (ohms^2): learning resistance
  double sum_ln_k = 0.0;      // sum ln(k / 1 S): learning log-conductance
  double sum_k2_over_rate = 0.0;  // sum k^2 / s_j: learning conductance with per-edge rates s_j
  // Trainable transistors: sum (V_G - V_T)^2 (V^2), the gate overdrives' candidate for the
  // conserved quantity (a transistor's conductance at zero drop is K (V_G - V_T)).
  double sum_overdrive2 = 0.0;
};

Invariants measure_invariants(const Network& net, std::span<const double> rate_factors);

// The other candidate, which depends on the state: sum over trainable transistors of their
// effective conductance I / dV at that state, squared (S^2).
double sum_effective_siemens2(const Network& net, const State& state);

// p . dp over trainable edges with a value (siemens^2; volts^2 for transistor gates).
double dot_trainable(const Network& net, std::span<const double> k, std::span<const double> dk);

}  // namespace spiceloop
