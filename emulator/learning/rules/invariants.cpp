#include "emulator/learning/rules/invariants.hpp"

#include <cmath>

#include "emulator/network/transistor.hpp"

namespace spiceloop {

void InvariantLanes::renormalise(std::size_t l) {
  // Exact: a power of two moves from the mantissa product to the exponent sum.
  int e = 0;
  mantissa_[l] = std::frexp(mantissa_[l], &e) * 2.0;
  exponent_[l] += e - 1;
}

double InvariantLanes::special_log(double k) { return std::log(k); }

Invariants InvariantLanes::result(bool unit_rates) const {
  Invariants v;
  v.sum_k2 = k2_.total();
  v.sum_r2 = r2_.total();
  v.sum_k2_over_rate = unit_rates ? v.sum_k2 : k2_over_rate_.total();
  v.sum_overdrive2 = overdrive2_;
  std::int64_t e = 0;
  LaneSum logs;
  for (std::size_t l = 0; l < kLanes; ++l) {
    // Each lane in its canonical form, mantissa in [1, 2), however often it was renormalised.
    int shift = 0;
    const double m = std::frexp(mantissa_[l], &shift) * 2.0;
    e += exponent_[l] + (shift - 1);
    logs.lane[l] = std::log(m);
  }
  v.sum_ln_k = (static_cast<double>(e) * 0x1.62e42fefa39efp-1 + logs.total()) + special_.total();  // ln 2
  return v;
}

InvariantLanes InvariantLanes::from(const Raw& raw) {
  InvariantLanes v;
  for (std::size_t l = 0; l < kLanes; ++l) {
    v.k2_.lane[l] = raw.k2[l];
    v.r2_.lane[l] = raw.r2[l];
    v.k2_over_rate_.lane[l] = raw.k2_over_rate[l];
    v.mantissa_[l] = raw.mantissa[l];
    v.exponent_[l] = raw.exponent[l];
  }
  return v;
}

Invariants measure_invariants(const Network& net, std::span<const double> siemens, std::span<const double> rate_factors) {
  InvariantLanes lanes;
  bool unit = true;
  for (std::size_t j = 0; j < net.edges.size(); ++j) {
    const Edge& e = net.edges[j];
    if (e.trainable && e.kind == ElementKind::Transistor) lanes.add_transistor(siemens[j], e.threshold_volts);
    if (!e.trainable || !e.has_siemens()) continue;
    const double rate = j < rate_factors.size() ? rate_factors[j] : 1.0;
    unit = unit && rate == 1.0;
    lanes.add(j, siemens[j], rate);
  }
  return lanes.result(unit);
}

Invariants measure_invariants(const Network& net, std::span<const double> rate_factors) {
  return measure_invariants(net, net.conductances(), rate_factors);
}

double dot_trainable(const Network& net, std::span<const double> k, std::span<const double> dk) {
  LaneSum s;
  for (std::size_t j = 0; j < net.edges.size(); ++j)
    if (net.edges[j].trainable && net.edges[j].has_value()) s.add(j, k[j] * dk[j]);
  return s.total();
}

double sum_effective_siemens2(const Network& net, std::span<const double> node_volts) {
  double s = 0.0;
  for (const Edge& e : net.edges) {
    if (!e.trainable || e.kind != ElementKind::Transistor) continue;
    const double g = transistor_effective_siemens(e, node_volts[e.a], node_volts[e.b]);
    s += g * g;
  }
  return s;
}

}  // namespace spiceloop
