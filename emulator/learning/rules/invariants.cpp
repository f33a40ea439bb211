#include "emulator/learning/rules/invariants.hpp"

#include <cmath>

namespace spiceloop {

Invariants measure_invariants(const Network& net, std::span<const double> rate_factors) {
  Invariants v;
  for (std::size_t j = 0; j < net.edges.size(); ++j) {
    const Edge& e = net.edges[j];
    if (!e.trainable || !e.is_linear()) continue;
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
    if (net.edges[j].trainable && net.edges[j].is_linear()) s += k[j] * dk[j];
  return s;
}

}  // namespace spiceloop
