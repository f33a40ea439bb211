// The fused step pass's vector loop (plain_pass.hpp): both builds (AVX-512 where this CPU has it,
// and the portable one) give, bit for bit, what the scalar arithmetic of rule.hpp, update.hpp and
// invariants.hpp gives lane by lane, whatever way each block reaches its endpoints' voltages.
#include <catch2/catch.hpp>

#include <bit>
#include <cstring>
#include <limits>

#include "emulator/core/random.hpp"
#include "emulator/learning/rules/plain_pass.hpp"

using namespace spiceloop;

namespace {

struct Case {
  std::size_t nodes = 40, blocks = 24, samples = 2;
  bool centered = false, identity = false, rates = false, uniform_bounds = false;
};

// Random edges whose blocks of eight mix the three endpoint patterns, and random voltages.
struct Data {
  std::vector<int> a, b;
  std::vector<unsigned char> trains, kinds;
  std::vector<double> k, lo, hi, rates, free, nudged, identity;

  Data(const Case& c, std::uint64_t seed) {
    Rng rng(seed);
    const auto node = [&] { return 1 + static_cast<int>(rng.uniform01() * static_cast<double>(c.nodes - 9)); };
    for (std::size_t blk = 0; blk < c.blocks; ++blk) {
      const int first_a = node(), first_b = node();
      for (std::size_t l = 0; l < kLanes; ++l) {
        switch (blk % 3) {
          case 0: a.push_back(first_a), b.push_back(node()); break;                   // a same, b gathered
          case 1: a.push_back(node()), b.push_back(first_b + static_cast<int>(l)); break;  // b consecutive
          default: a.push_back(node()), b.push_back(node()); break;                    // both gathered
        }
      }
    }
    // Blocks of one shared a-node and consecutive b-nodes, as crossbars have.
    for (std::size_t l = 0; l < kLanes; ++l) a[l] = 3, b[l] = 7 + static_cast<int>(l);
    const std::size_t m = a.size();
    kinds = block_node_kinds(a, b);
    for (std::size_t j = 0; j < m; ++j) {
      trains.push_back(rng.uniform01() < 0.85 ? 1 : 0);
      k.push_back(1e-4 * (0.1 + rng.uniform01()));
      lo.push_back(c.uniform_bounds ? 2e-5 : 1e-5 * (1.0 + rng.uniform01()));
      hi.push_back(c.uniform_bounds ? 9e-5 : 8e-5 + 2e-5 * rng.uniform01());
      rates.push_back(0.5 + rng.uniform01());
    }
    const std::size_t rows = c.samples * (c.centered ? 2 : 1);
    for (std::size_t i = 0; i < c.samples * c.nodes; ++i) free.push_back(rng.uniform01());
    for (std::size_t i = 0; i < rows * c.nodes; ++i) nudged.push_back(rng.uniform01());
    for (std::size_t i = 0; i < c.samples * c.nodes; ++i) identity.push_back(rng.uniform01() - 0.5);
  }
};

struct Outputs {
  std::vector<double> k_next, signal, dk, power;
  PlainResult result;
};

Outputs run_build(const Case& c, const Data& d, bool avx512) {
  const std::size_t m = d.a.size();
  Outputs o;
  o.k_next.assign(m, -1.0);
  o.signal.assign(m, -1.0);
  o.dk.assign(m, -1.0);
  o.power.assign(c.samples * kLanes, 0.0);
  PlainArgs p;
  p.edges = m;
  p.samples = c.samples;
  p.nodes = c.nodes;
  p.a = d.a.data();
  p.b = d.b.data();
  p.kinds = d.kinds.data();
  p.trains = d.trains.data();
  p.k = d.k.data();
  p.lo = d.lo.data();
  p.hi = d.hi.data();
  p.uniform_bounds = c.uniform_bounds;
  p.rates = c.rates ? d.rates.data() : nullptr;
  p.free = d.free.data();
  p.nudged = d.nudged.data();
  p.identity = c.identity ? d.identity.data() : nullptr;
  p.centered = c.centered;
  p.scale = -3.0;
  p.alpha = 2e-5;  // large enough that some edges reach their bounds
  p.k_next = o.k_next.data();
  p.signal = o.signal.data();
  p.dk = o.dk.data();
  p.power = o.power.data();
  use_avx512_plain_pass(avx512);
  plain_pass(p, o.result);
  use_avx512_plain_pass(true);
  return o;
}

// The scalar arithmetic, edge by edge into lane j mod 8.
Outputs reference(const Case& c, const Data& d) {
  const std::size_t m = d.a.size();
  Outputs o;
  o.k_next.resize(m);
  o.signal.resize(m);
  o.dk.resize(m);
  o.power.assign(c.samples * kLanes, 0.0);
  PlainResult& r = o.result;
  for (std::size_t l = 0; l < kLanes; ++l) r.after.mantissa[l] = 1.0;
  const double scale = -3.0, alpha = 2e-5;
  for (std::size_t j = 0; j < m; ++j) {
    const std::size_t l = j % kLanes;
    const int a = d.a[j], b = d.b[j];
    const bool t = d.trains[j] != 0;
    const double k = d.k[j];
    if (c.identity)
      for (std::size_t i = 0; i < c.samples; ++i) {
        const double* z = d.identity.data() + i * c.nodes;
        const double dz = z[a] - z[b];
        o.power[i * kLanes + l] += (k * dz) * dz;
      }
    double g = 0.0;
    for (std::size_t i = 0; i < c.samples; ++i) {
      if (c.centered) {
        const double* plus = d.nudged.data() + 2 * i * c.nodes;
        const double* minus = plus + c.nodes;
        const double x = plus[a] - plus[b], y = minus[a] - minus[b];
        g += scale * ((x - y) * (x + y));
      } else {
        const double* f0 = d.free.data() + i * c.nodes;
        const double* n0 = d.nudged.data() + i * c.nodes;
        const double f = f0[a] - f0[b], n = n0[a] - n0[b];
        g += scale * ((n - f) * (n + f));
      }
    }
    if (!t) g = 0.0;
    o.signal[j] = g;
    r.kg[l] += k * g;
    r.kk[l] += t ? k * k : 0.0;
    r.gg[l] += g * g;
    const double rate = c.rates ? d.rates[j] : 1.0;
    const double lo = c.uniform_bounds ? d.lo[0] : d.lo[j], hi = c.uniform_bounds ? d.hi[0] : d.hi[j];
    double step = k + (alpha * rate) * g;
    step = step < lo ? lo : (hi < step ? hi : step);
    const double k_new = t ? step : k;
    o.k_next[j] = k_new;
    o.dk[j] = k_new - k;
    r.kdk[l] += k * (k_new - k);
    const double k2 = k_new * k_new;
    r.after.k2[l] += t ? k2 : 0.0;
    r.after.r2[l] += t ? 1.0 / k2 : 0.0;
    r.after.k2_over_rate[l] += t ? k2 / rate : 0.0;
    const auto bits = std::bit_cast<std::uint64_t>(k_new);
    const auto biased = static_cast<std::int64_t>(bits >> 52);
    if (t && biased >= 1 && biased <= 2046) {
      r.after.exponent[l] += biased - 1023;
      r.after.mantissa[l] *= std::bit_cast<double>((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
    }
  }
  return o;
}

void require_same(const Outputs& x, const Outputs& y, const Case& c) {
  REQUIRE(x.k_next == y.k_next);
  REQUIRE(x.signal == y.signal);
  REQUIRE(x.dk == y.dk);
  if (c.identity) REQUIRE(x.power == y.power);
  const PlainResult &p = x.result, &q = y.result;
  REQUIRE(std::memcmp(p.kg, q.kg, sizeof p.kg) == 0);
  REQUIRE(std::memcmp(p.kdk, q.kdk, sizeof p.kdk) == 0);
  REQUIRE(std::memcmp(p.kk, q.kk, sizeof p.kk) == 0);
  REQUIRE(std::memcmp(p.gg, q.gg, sizeof p.gg) == 0);
  REQUIRE(std::memcmp(p.after.k2, q.after.k2, sizeof p.after.k2) == 0);
  REQUIRE(std::memcmp(p.after.r2, q.after.r2, sizeof p.after.r2) == 0);
  if (c.rates) REQUIRE(std::memcmp(p.after.k2_over_rate, q.after.k2_over_rate, sizeof p.after.k2_over_rate) == 0);
  REQUIRE(std::memcmp(p.after.mantissa, q.after.mantissa, sizeof p.after.mantissa) == 0);
  REQUIRE(std::memcmp(p.after.exponent, q.after.exponent, sizeof p.after.exponent) == 0);
  REQUIRE(p.signal_finite == q.signal_finite);
  REQUIRE(p.conductances_finite == q.conductances_finite);
  REQUIRE(p.special == q.special);
}

}  // namespace

TEST_CASE("plain pass: blocks are told apart by how their endpoints lie", "[rules]") {
  const std::vector<int> a = {4, 4, 4, 4, 4, 4, 4, 4, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 1};
  const std::vector<int> b = {9, 8, 7, 6, 5, 4, 3, 2, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 4, 5, 6, 7, 8, 9};
  const std::vector<unsigned char> kinds = block_node_kinds(a, b);
  REQUIRE(kinds.size() == 3);
  REQUIRE(kinds[0] == (static_cast<unsigned>(BlockNodes::Same) | static_cast<unsigned>(BlockNodes::Gather) << 2));
  REQUIRE(kinds[1] ==
          (static_cast<unsigned>(BlockNodes::Consecutive) | static_cast<unsigned>(BlockNodes::Same) << 2));
  REQUIRE(kinds[2] == (static_cast<unsigned>(BlockNodes::Gather) | static_cast<unsigned>(BlockNodes::Consecutive) << 2));
}

TEST_CASE("plain pass: both builds equal the scalar arithmetic bit for bit", "[rules]") {
  for (bool centered : {false, true})
    for (bool identity : {false, true})
      for (bool rates : {false, true})
        for (bool uniform : {false, true}) {
          Case c;
          c.centered = centered;
          c.identity = identity;
          c.rates = rates;
          c.uniform_bounds = uniform;
          CAPTURE(centered, identity, rates, uniform, plain_pass_build());
          const Data d(c, 17 + (centered ? 1 : 0) + (identity ? 2 : 0) + (rates ? 4 : 0) + (uniform ? 8 : 0));
          const Outputs want = reference(c, d);
          // Some edges were clipped, or the bounds are not exercised.
          std::size_t clipped = 0;
          for (std::size_t j = 0; j < d.a.size(); ++j)
            clipped += d.trains[j] && (want.k_next[j] == (uniform ? d.lo[0] : d.lo[j]) ||
                                       want.k_next[j] == (uniform ? d.hi[0] : d.hi[j]));
          REQUIRE(clipped > 0);
          require_same(run_build(c, d, false), want, c);
          require_same(run_build(c, d, true), want, c);  // the AVX-512 build where the CPU has one
        }
}

TEST_CASE("plain pass: a non-finite signal or conductance is reported, not hidden", "[rules]") {
  Case c;
  Data d(c, 5);
  d.free[d.a[9]] = std::numeric_limits<double>::infinity();  // edge 9 reads it
  d.trains[9] = 1;
  for (bool avx512 : {false, true}) {
    const Outputs o = run_build(c, d, avx512);
    REQUIRE_FALSE(o.result.signal_finite);
  }
}
