#include "emulator/learning/rules/step_pass.hpp"

#include "emulator/learning/rules/plain_pass.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace spiceloop {

namespace {

// The factor of rule.hpp's signal, g = scale * [(dV^nu)^2 - (dV^F)^2], written as each rule's
// accumulate() writes it.
double signal_scale(const RuleSpec& r, double weight) {
  const double c = r.factor();
  if (r.kind == RuleKind::CenteredEquilibriumPropagation) return -weight * c / (2.0 * r.nudge);
  return -weight * c / r.nudge;
}


}  // namespace

StepPass::StepPass(const Network& net, const Updater& updater) : net_(net), updater_(updater) {
  const std::size_t m = net.edges.size();
  a_.resize(m);
  b_.resize(m);
  trains_.resize(m);
  for (std::size_t j = 0; j < m; ++j) {
    a_[j] = net.edges[j].a;
    b_[j] = net.edges[j].b;
    trains_[j] = net.edges[j].trainable && net.edges[j].has_value();
  }
  kinds_ = block_node_kinds(a_, b_);
  // One pair of bounds for every trainable edge (the usual case) is read from registers, not arrays.
  const auto lo = updater.lower_siemens(), hi = updater.upper_siemens();
  std::size_t first = 0;
  while (first < m && !trains_[first]) ++first;
  uniform_bounds_ = true;
  for (std::size_t j = first; j < m; ++j)
    if (trains_[j]) uniform_bounds_ = uniform_bounds_ && lo[j] == lo[first] && hi[j] == hi[first];
  if (first == m) uniform_bounds_ = false;
  bounds_first_ = first;
}

void StepPass::add_after(InvariantLanes& after, std::size_t j, double value, bool unit_rates) const {
  const Edge& e = net_.edges[j];
  if (e.kind == ElementKind::Transistor) after.add_transistor(value, e.threshold_volts);
  else if (unit_rates) after.add_unit_rate(j, value);
  else after.add(j, value, updater_.rate_factors()[j]);
}

// The per-edge signal of the batch, sample by sample (the arithmetic of rule.hpp's accumulate()).
double StepPass::edge_signal(const StepPassInput& in, double scale, std::size_t j) const {
  const int a = a_[j], b = b_[j];
  const bool centered = in.rule.kind == RuleKind::CenteredEquilibriumPropagation;
  double g = 0.0;
  for (std::size_t i = 0; i < in.samples; ++i) {
    if (centered) {
      const std::span<const double> plus = in.nudged->row(2 * i), minus = in.nudged->row(2 * i + 1);
      const double x = plus[a] - plus[b], y = minus[a] - minus[b];
      g += scale * ((x - y) * (x + y));
    } else {
      const std::span<const double> f0 = in.free->row(i), n0 = in.nudged->row(i);
      const double f = f0[a] - f0[b], n = n0[a] - n0[b];
      g += scale * ((n - f) * (n + f));
    }
  }
  return g;
}

StepPassSums StepPass::run(const StepPassInput& in, std::span<const double> siemens, std::span<const int> codes,
                           const StepPassOutput& out, Rng& rng) {
  assert(in.samples > 0 && in.free && in.nudged);
  const std::size_t m = a_.size();
  assert(siemens.size() == m && codes.size() == m && out.siemens.size() == m && out.signal.size() == m &&
         out.dk.size() == m && out.codes.size() == m);
  const double scale = signal_scale(in.rule, 1.0 / static_cast<double>(in.samples));
  const bool identity = in.identity != nullptr;
  const bool unit_rates = updater_.uniform_rates();
  const double* rates = updater_.rate_factors().data();
  power_.assign(identity ? in.samples : 0, LaneSum{});

  LaneSum kg, kdk, kk, gg;
  InvariantLanes after;
  bool signal_finite = true, k_finite = true, special = false;
  std::size_t first_scalar = 0;
  if (updater_.plain()) {
    // Whole blocks of eight in the vector loop; the rest below, in the same lanes.
    PlainArgs p;
    p.edges = m;
    p.samples = in.samples;
    p.nodes = in.free->nodes();
    p.a = a_.data();
    p.b = b_.data();
    p.kinds = kinds_.data();
    p.trains = trains_.data();
    p.k = siemens.data();
    p.uniform_bounds = uniform_bounds_;
    p.lo = updater_.lower_siemens().data() + (uniform_bounds_ ? bounds_first_ : 0);
    p.hi = updater_.upper_siemens().data() + (uniform_bounds_ ? bounds_first_ : 0);
    p.rates = unit_rates ? nullptr : rates;
    p.free = in.free->row(0).data();
    p.nudged = in.nudged->row(0).data();
    p.identity = identity ? in.identity->row(0).data() : nullptr;
    p.centered = in.rule.kind == RuleKind::CenteredEquilibriumPropagation;
    p.scale = scale;
    p.alpha = in.alpha;
    p.k_next = out.siemens.data();
    p.signal = out.signal.data();
    p.dk = out.dk.data();
    power_lanes_.assign(identity ? in.samples * kLanes : 0, 0.0);
    p.power = power_lanes_.data();
    PlainResult r;
    plain_pass(p, r);
    for (std::size_t l = 0; l < kLanes; ++l) {
      kg.lane[l] = r.kg[l];
      kdk.lane[l] = r.kdk[l];
      kk.lane[l] = r.kk[l];
      gg.lane[l] = r.gg[l];
    }
    for (std::size_t i = 0; identity && i < in.samples; ++i)
      for (std::size_t l = 0; l < kLanes; ++l) power_[i].lane[l] = power_lanes_[i * kLanes + l];
    after = InvariantLanes::from(r.after);
    signal_finite = r.signal_finite;
    k_finite = r.conductances_finite;
    special = r.special;
    first_scalar = (m / kLanes) * kLanes;
    // A plain update has no digipots: the vector loop leaves out.codes as they are (step_pass.hpp).
  }

  for (std::size_t j = first_scalar; j < m; ++j) {
    const int a = a_[j], b = b_[j];
    const double k = siemens[j];
    if (identity)
      for (std::size_t i = 0; i < in.samples; ++i) {
        const std::span<const double> z = in.identity->row(i);
        const double dz = z[a] - z[b];
        power_[i].add(j, (k * dz) * dz);
      }
    if (!trains_[j]) {
      out.signal[j] = 0.0;
      out.siemens[j] = k;
      out.dk[j] = 0.0;
      out.codes[j] = codes[j];
      if (!out.programmed.empty()) out.programmed[j] = 0;
      if (!out.pulses.empty()) out.pulses[j] = 0;
      continue;
    }
    const double g = edge_signal(in, scale, j);
    out.signal[j] = g;
    signal_finite = signal_finite && std::isfinite(g);
    kg.add(j, k * g);
    kk.add(j, k * k);
    gg.add(j, g * g);
    double k_new = k;
    int code_new = codes[j];
    if (updater_.plain())
      k_new = std::clamp(k + in.alpha * rates[j] * g, updater_.lower_siemens()[j], updater_.upper_siemens()[j]);
    else {
      const bool pulsed = updater_.step_edge(net_.edges[j], j, k, codes[j], g, in.alpha, rng, k_new, code_new,
                                             out.pulses.empty() ? nullptr : &out.pulses[j]);
      if (!out.programmed.empty()) out.programmed[j] = pulsed ? 1 : 0;
    }
    out.siemens[j] = k_new;
    out.codes[j] = code_new;
    const double d = k_new - k;
    out.dk[j] = d;
    k_finite = k_finite && std::isfinite(k_new);
    kdk.add(j, k * d);
    add_after(after, j, k_new, unit_rates);
  }
  // A conductance that is not a positive normal number takes std::log (invariants.hpp): rare,
  // so the invariants are then measured again, edge by edge.
  if (special) {
    after = InvariantLanes{};
    for (std::size_t j = 0; j < m; ++j)
      if (trains_[j]) add_after(after, j, out.siemens[j], unit_rates);
  }

  StepPassSums sums;
  sums.k_dot_g = kg.total();
  sums.k_dot_dk = kdk.total();
  sums.k_dot_k = kk.total();
  sums.g_dot_g = gg.total();
  sums.after = after.result(unit_rates);
  sums.signal_finite = signal_finite;
  sums.conductances_finite = k_finite;
  const double weight = 1.0 / static_cast<double>(in.samples);
  for (const LaneSum& p : power_) sums.identity_s += weight * p.total();
  return sums;
}

}  // namespace spiceloop
