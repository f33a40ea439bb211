#include "emulator/learning/rules/invariants.hpp"

#include <cmath>

#include "emulator/network/transistor.hpp"

namespace spiceloop {

Invariants measure_invariants(const Network& net, std::span<const double> rate_factors) {
  Invariants v;
  for (std::size_t j = 0; j < net.edges.size(); ++j) {
    const Edge& e = net.edges[j];
    if (e.trainable && e.kind == ElementKind::Transistor)
      v.sum_overdrive2 += (e.gate_volts - e.threshold_volts) * (e.gate_volts - e.threshold_volts);
    if (!e.trainable || !e.has_siemens()) continue;
    const double k = e.siemens;
    v.sum_k2 += k * k;
    v.sum_r2 += 1.0 / (k * k);
    v.sum_ln_k += std::log(k);
    v.sum_k2_over_rate += k * k / (j < rate_factors.size() ? rate_factors[j] : 1.0);
  }
  return v;
}

double dot_trainable(const Network& net, std::span<const double> k, std::span<const double> dk) {
  double s = 0.0;
  for (std::size_t j = 0; j < net.edges.size(); ++j)
    if (net.edges[j].trainable && net.edges[j].has_value()) s += k[j] * dk[j];
  return s;
}

double sum_effective_siemens2(const Network& net, const State& state) {
  double s = 0.0;
  for (const Edge& e : net.edges) {
    if (!e.trainable || e.kind != ElementKind::Transistor) continue;
    const double g = transistor_effective_siemens(e, state.node_volts[e.a], state.node_volts[e.b]);
    s += g * g;
  }
  return s;
}

}  // namespace spiceloop
