#include "emulator/learning/rules/step_pass.hpp"

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

// Everything the vector loop reads and writes, as flat arrays.
struct PlainArgs {
  std::size_t edges = 0, samples = 0, nodes = 0;
  const int* a = nullptr;
  const int* b = nullptr;
  const unsigned char* trains = nullptr;
  const double* k = nullptr;
  const double* lo = nullptr;
  const double* hi = nullptr;
  const double* rates = nullptr;  // null: every rate is 1
  const double* free = nullptr;
  const double* nudged = nullptr;
  const double* identity = nullptr;  // null: no identity power
  bool centered = false;
  double scale = 0.0, alpha = 0.0;
  double* k_next = nullptr;
  double* signal = nullptr;
  double* dk = nullptr;
  double* power = nullptr;  // samples x kLanes identity power lanes, zeroed by the caller
};

struct PlainResult {
  double kg[kLanes] = {}, kdk[kLanes] = {}, kk[kLanes] = {}, gg[kLanes] = {};
  InvariantLanes::Raw after{};
  bool signal_finite = true, conductances_finite = true, special = false;
};

// No 64-byte vector crosses a call (the helpers are macros, below), so GCC's ABI note does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

using v8d = double __attribute__((vector_size(64)));
using v8l = std::int64_t __attribute__((vector_size(64)));
using v8u = std::uint64_t __attribute__((vector_size(64)));
static_assert(kLanes == 8, "one vector of eight doubles is one set of lanes");

// Macros, not inline functions: Clang refuses any call taking or returning a 64-byte vector from the
// clones built without AVX-512 (an ABI error, not a note), even when the call would be inlined.
#define SL_LOAD(ptr) __extension__({ v8d v_; std::memcpy(&v_, (ptr), sizeof v_); v_; })
#define SL_STORE(ptr, value)                \
  do {                                      \
    const v8d s_ = (value);                 \
    std::memcpy((ptr), &s_, sizeof s_);     \
  } while (0)
#define SL_GATHER(row, idx)                                                                        \
  (v8d{(row)[(idx)[0]], (row)[(idx)[1]], (row)[(idx)[2]], (row)[(idx)[3]], (row)[(idx)[4]], (row)[(idx)[5]], \
       (row)[(idx)[6]], (row)[(idx)[7]]})
#define SL_SELECT(mask, yes, no) ((mask) ? (yes) : (no))

// The pass for Updater::plain(): eight edges at a time (edge j in lane j mod 8), every operation
// the scalar code's own (rule.hpp, update.hpp, invariants.hpp) in the same order per lane, so the
// result does not depend on the instruction set the clone runs on. Non-trainable edges take
// masked lanes that add exact zeros (and multiply the log product by exact ones).
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
void plain_pass(const PlainArgs& p, PlainResult& r) {
  const v8d zero = {}, one = zero + 1.0;
  const v8d huge = zero + std::numeric_limits<double>::max();
  const v8u mantissa_bits = v8u{} + 0x000fffffffffffffULL, one_bits = v8u{} + 0x3ff0000000000000ULL;
  const v8u abs_bits = v8u{} + 0x7fffffffffffffffULL;
  v8d kg = zero, kdk = zero, kk = zero, gg = zero, k2s = zero, r2s = zero, k2r = zero, mant = one;
  v8l expo = v8l{}, ok_signal = v8l{} - 1, ok_k = v8l{} - 1, special = v8l{};
  const std::size_t blocks = p.edges / kLanes;
  for (std::size_t blk = 0; blk < blocks; ++blk) {
    const std::size_t j0 = blk * kLanes;
    const int* ia = p.a + j0;
    const int* ib = p.b + j0;
    const v8l t = v8l{p.trains[j0], p.trains[j0 + 1], p.trains[j0 + 2], p.trains[j0 + 3], p.trains[j0 + 4],
                      p.trains[j0 + 5], p.trains[j0 + 6], p.trains[j0 + 7]} != 0;
    const v8d k = SL_LOAD(p.k + j0);
    if (p.identity)
      for (std::size_t i = 0; i < p.samples; ++i) {
        const double* z = p.identity + i * p.nodes;
        const v8d dz = SL_GATHER(z, ia) - SL_GATHER(z, ib);
        SL_STORE(p.power + i * kLanes, SL_LOAD(p.power + i * kLanes) + (k * dz) * dz);
      }
    v8d g = zero;
    for (std::size_t i = 0; i < p.samples; ++i) {
      if (p.centered) {
        const double* plus = p.nudged + (2 * i) * p.nodes;
        const double* minus = plus + p.nodes;
        const v8d x = SL_GATHER(plus, ia) - SL_GATHER(plus, ib), y = SL_GATHER(minus, ia) - SL_GATHER(minus, ib);
        g += p.scale * ((x - y) * (x + y));
      } else {
        const double* f0 = p.free + i * p.nodes;
        const double* n0 = p.nudged + i * p.nodes;
        const v8d f = SL_GATHER(f0, ia) - SL_GATHER(f0, ib), n = SL_GATHER(n0, ia) - SL_GATHER(n0, ib);
        g += p.scale * ((n - f) * (n + f));
      }
    }
    g = SL_SELECT(t, g, zero);
    SL_STORE(p.signal + j0, g);
    ok_signal &= ((v8u)g & abs_bits) <= (v8u)huge;  // finite: |g| <= max, NaN fails
    kg += k * g;
    kk += SL_SELECT(t, k * k, zero);
    gg += g * g;

    const v8d rate = p.rates ? SL_LOAD(p.rates + j0) : one;
    v8d step = k + (p.alpha * rate) * g;
    const v8d lo = SL_LOAD(p.lo + j0), hi = SL_LOAD(p.hi + j0);
    step = SL_SELECT(step < lo, lo, SL_SELECT(hi < step, hi, step));  // std::clamp
    const v8d k_new = SL_SELECT(t, step, k);
    SL_STORE(p.k_next + j0, k_new);
    const v8d d = k_new - k;
    SL_STORE(p.dk + j0, d);
    ok_k &= ((v8u)k_new & abs_bits) <= (v8u)huge;
    kdk += k * d;

    const v8d k2 = k_new * k_new;
    k2s += SL_SELECT(t, k2, zero);
    r2s += SL_SELECT(t, 1.0 / k2, zero);
    if (p.rates) k2r += SL_SELECT(t, k2 / rate, zero);
    const v8u bits = (v8u)k_new;
    const v8l biased = (v8l)(bits >> 52);
    const v8l normal = t & (biased >= 1) & (biased <= 2046);
    special |= t & ~normal;
    expo += normal & (biased - 1023);
    mant *= SL_SELECT(normal, (v8d)((bits & mantissa_bits) | one_bits), one);
    if ((blk & 511) == 511) {  // 512 factors in [1, 2) stay below 2^512: renormalise, exactly
      const v8u mb = (v8u)mant;
      expo += (v8l)(mb >> 52) - 1023;
      mant = (v8d)((mb & mantissa_bits) | one_bits);
    }
  }
  for (std::size_t l = 0; l < kLanes; ++l) {
    r.kg[l] = kg[l];
    r.kdk[l] = kdk[l];
    r.kk[l] = kk[l];
    r.gg[l] = gg[l];
    r.after.k2[l] = k2s[l];
    r.after.r2[l] = r2s[l];
    r.after.k2_over_rate[l] = p.rates ? k2r[l] : k2s[l];
    r.after.mantissa[l] = mant[l];
    r.after.exponent[l] = expo[l];
    r.signal_finite = r.signal_finite && ok_signal[l];
    r.conductances_finite = r.conductances_finite && ok_k[l];
    r.special = r.special || special[l];
  }
}

#undef SL_LOAD
#undef SL_STORE
#undef SL_GATHER
#undef SL_SELECT

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
    p.trains = trains_.data();
    p.k = siemens.data();
    p.lo = updater_.lower_siemens().data();
    p.hi = updater_.upper_siemens().data();
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
    // The vector loop leaves codes alone: a plain update has no digipots.
    std::copy(codes.begin(), codes.begin() + static_cast<std::ptrdiff_t>(first_scalar), out.codes.begin());
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
