#include "emulator/learning/rules/plain_pass.hpp"

// GCC 12 reports the intrinsics' own _mm512_undefined_pd() placeholders as uninitialized (a known
// false positive inside immintrin.h).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace spiceloop {

std::vector<unsigned char> block_node_kinds(std::span<const int> a, std::span<const int> b) {
  const auto kind = [](const int* x) {
    bool same = true, consecutive = true;
    for (std::size_t l = 1; l < kLanes; ++l) {
      same = same && x[l] == x[0];
      consecutive = consecutive && x[l] == x[0] + static_cast<int>(l);
    }
    return static_cast<unsigned>(same ? BlockNodes::Same : consecutive ? BlockNodes::Consecutive : BlockNodes::Gather);
  };
  std::vector<unsigned char> kinds(a.size() / kLanes);
  for (std::size_t blk = 0; blk < kinds.size(); ++blk)
    kinds[blk] = static_cast<unsigned char>(kind(&a[blk * kLanes]) | (kind(&b[blk * kLanes]) << 2));
  return kinds;
}

namespace {

// The portable build: the scalar arithmetic, lane by lane, in loops over the eight lanes that the
// compiler vectorises as the instruction set allows (GCC's 64-byte vector extensions compiled for
// AVX2 ran at a quarter of this speed). Non-trainable edges add exact zeros.
__attribute__((target_clones("arch=x86-64-v3", "default")))
void portable_pass(const PlainArgs& p, PlainResult& r) {
  constexpr double kMax = std::numeric_limits<double>::max();
  double kg[kLanes] = {}, kdk[kLanes] = {}, kk[kLanes] = {}, gg[kLanes] = {}, k2s[kLanes] = {}, r2s[kLanes] = {},
         k2r[kLanes] = {}, mant[kLanes], g[kLanes];
  std::int64_t expo[kLanes] = {};
  for (double& m : mant) m = 1.0;
  bool ok_signal = true, ok_k = true, special = false;
  const std::size_t blocks = p.edges / kLanes;
  for (std::size_t blk = 0; blk < blocks; ++blk) {
    const std::size_t j0 = blk * kLanes;
    const int* ia = p.a + j0;
    const int* ib = p.b + j0;
    if (p.identity)
      for (std::size_t i = 0; i < p.samples; ++i) {
        const double* z = p.identity + i * p.nodes;
        double* power = p.power + i * kLanes;
        for (std::size_t l = 0; l < kLanes; ++l) {
          const double dz = z[ia[l]] - z[ib[l]];
          power[l] += (p.k[j0 + l] * dz) * dz;
        }
      }
    for (double& x : g) x = 0.0;
    for (std::size_t i = 0; i < p.samples; ++i) {
      if (p.centered) {
        const double* plus = p.nudged + (2 * i) * p.nodes;
        const double* minus = plus + p.nodes;
        for (std::size_t l = 0; l < kLanes; ++l) {
          const double x = plus[ia[l]] - plus[ib[l]], y = minus[ia[l]] - minus[ib[l]];
          g[l] += p.scale * ((x - y) * (x + y));
        }
      } else {
        const double* f0 = p.free + i * p.nodes;
        const double* n0 = p.nudged + i * p.nodes;
        for (std::size_t l = 0; l < kLanes; ++l) {
          const double f = f0[ia[l]] - f0[ib[l]], n = n0[ia[l]] - n0[ib[l]];
          g[l] += p.scale * ((n - f) * (n + f));
        }
      }
    }
    for (std::size_t l = 0; l < kLanes; ++l) {
      const std::size_t j = j0 + l;
      const bool t = p.trains[j] != 0;
      const double k = p.k[j], gl = t ? g[l] : 0.0;
      p.signal[j] = gl;
      ok_signal &= std::fabs(gl) <= kMax;  // NaN fails
      kg[l] += k * gl;
      kk[l] += t ? k * k : 0.0;
      gg[l] += gl * gl;
      const double rate = p.rates ? p.rates[j] : 1.0;
      const double lo = p.uniform_bounds ? p.lo[0] : p.lo[j], hi = p.uniform_bounds ? p.hi[0] : p.hi[j];
      double step = k + (p.alpha * rate) * gl;
      step = step < lo ? lo : (hi < step ? hi : step);  // std::clamp
      const double k_new = t ? step : k;
      p.k_next[j] = k_new;
      const double d = k_new - k;
      p.dk[j] = d;
      ok_k &= std::fabs(k_new) <= kMax;
      kdk[l] += k * d;
      const double k2 = k_new * k_new;
      k2s[l] += t ? k2 : 0.0;
      r2s[l] += t ? 1.0 / k2 : 0.0;
      if (p.rates) k2r[l] += t ? k2 / rate : 0.0;
      const auto bits = std::bit_cast<std::uint64_t>(k_new);
      const auto biased = static_cast<std::int64_t>(bits >> 52);
      const bool normal = t && biased >= 1 && biased <= 2046;
      special |= t && !normal;
      expo[l] += normal ? biased - 1023 : 0;
      mant[l] *= normal ? std::bit_cast<double>((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL) : 1.0;
    }
    if ((blk & 511) == 511)  // 512 factors in [1, 2) stay below 2^512: renormalise, exactly
      for (std::size_t l = 0; l < kLanes; ++l) {
        const auto mb = std::bit_cast<std::uint64_t>(mant[l]);
        expo[l] += static_cast<std::int64_t>(mb >> 52) - 1023;
        mant[l] = std::bit_cast<double>((mb & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
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
  }
  r.signal_finite = ok_signal;
  r.conductances_finite = ok_k;
  r.special = special;
}

// The AVX-512 build: the portable build's operations, lane for lane, in intrinsics (GCC's vector
// extensions compiled for AVX-512 ran at a third of this speed: blends and gathers went scalar).
// kind: BlockNodes (2 Consecutive, 1 Same, 0 Gather); a macro, as each build's helpers are.
#define SL_FETCH512(row, idx, first, kind)                                                            \
  ((kind) == 2 ? _mm512_loadu_pd((row) + (first))                                                    \
               : (kind) == 1 ? _mm512_set1_pd((row)[(first)]) : _mm512_i32gather_pd((idx), (row), 8))
static_assert(static_cast<int>(BlockNodes::Consecutive) == 2 && static_cast<int>(BlockNodes::Same) == 1);
#define SL_FETCH512_A(row) SL_FETCH512(row, ia, fa, ka)
#define SL_FETCH512_B(row) SL_FETCH512(row, ib, fb, kb)

__attribute__((target("avx512f,avx512dq,avx512vl,avx512bw")))
void avx512_pass(const PlainArgs& p, PlainResult& r) {
  const __m512d zero = _mm512_setzero_pd(), one = _mm512_set1_pd(1.0);
  const __m512i huge = _mm512_castpd_si512(_mm512_set1_pd(std::numeric_limits<double>::max()));
  const __m512i abs_bits = _mm512_set1_epi64(0x7fffffffffffffffLL);
  const __m512i mantissa_bits = _mm512_set1_epi64(0x000fffffffffffffLL), one_bits = _mm512_set1_epi64(0x3ff0000000000000LL);
  const __m512i e_lo = _mm512_set1_epi64(1), e_hi = _mm512_set1_epi64(2046), bias = _mm512_set1_epi64(1023);
  const __m512d scale = _mm512_set1_pd(p.scale), alpha = _mm512_set1_pd(p.alpha);
  __m512d kg = zero, kdk = zero, kk = zero, gg = zero, k2s = zero, r2s = zero, k2r = zero, mant = one;
  __m512i expo = _mm512_setzero_si512();
  __mmask8 ok_signal = 0xff, ok_k = 0xff, special = 0;
  const std::size_t blocks = p.edges / kLanes;
  for (std::size_t blk = 0; blk < blocks; ++blk) {
    const std::size_t j0 = blk * kLanes;
    const __m256i ia = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p.a + j0));
    const __m256i ib = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p.b + j0));
    const __m128i tb = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p.trains + j0));
    const __mmask8 t = _mm_test_epi8_mask(tb, tb) & 0xff;
    const __m512d k = _mm512_loadu_pd(p.k + j0);
    const unsigned ka = p.kinds[blk] & 3u, kb = p.kinds[blk] >> 2;
    const int fa = p.a[j0], fb = p.b[j0];
    if (p.identity)
      for (std::size_t i = 0; i < p.samples; ++i) {
        const double* z = p.identity + i * p.nodes;
        const __m512d dz = _mm512_sub_pd(SL_FETCH512_A(z), SL_FETCH512_B(z));
        double* pw = p.power + i * kLanes;
        _mm512_storeu_pd(pw, _mm512_add_pd(_mm512_loadu_pd(pw), _mm512_mul_pd(_mm512_mul_pd(k, dz), dz)));
      }
    __m512d g = zero;
    for (std::size_t i = 0; i < p.samples; ++i) {
      if (p.centered) {
        const double* plus = p.nudged + (2 * i) * p.nodes;
        const double* minus = plus + p.nodes;
        const __m512d x = _mm512_sub_pd(SL_FETCH512_A(plus), SL_FETCH512_B(plus));
        const __m512d y = _mm512_sub_pd(SL_FETCH512_A(minus), SL_FETCH512_B(minus));
        g = _mm512_add_pd(g, _mm512_mul_pd(scale, _mm512_mul_pd(_mm512_sub_pd(x, y), _mm512_add_pd(x, y))));
      } else {
        const double* f0 = p.free + i * p.nodes;
        const double* n0 = p.nudged + i * p.nodes;
        const __m512d f = _mm512_sub_pd(SL_FETCH512_A(f0), SL_FETCH512_B(f0));
        const __m512d n = _mm512_sub_pd(SL_FETCH512_A(n0), SL_FETCH512_B(n0));
        g = _mm512_add_pd(g, _mm512_mul_pd(scale, _mm512_mul_pd(_mm512_sub_pd(n, f), _mm512_add_pd(n, f))));
      }
    }
    g = _mm512_maskz_mov_pd(t, g);
    _mm512_storeu_pd(p.signal + j0, g);
    ok_signal &= _mm512_cmp_epu64_mask(_mm512_and_si512(_mm512_castpd_si512(g), abs_bits), huge, _MM_CMPINT_LE);
    kg = _mm512_add_pd(kg, _mm512_mul_pd(k, g));
    kk = _mm512_add_pd(kk, _mm512_maskz_mul_pd(t, k, k));
    gg = _mm512_add_pd(gg, _mm512_mul_pd(g, g));
    const __m512d rate = p.rates ? _mm512_loadu_pd(p.rates + j0) : one;
    __m512d step = _mm512_add_pd(k, _mm512_mul_pd(_mm512_mul_pd(alpha, rate), g));
    const __m512d lo = p.uniform_bounds ? _mm512_set1_pd(p.lo[0]) : _mm512_loadu_pd(p.lo + j0), hi = p.uniform_bounds ? _mm512_set1_pd(p.hi[0]) : _mm512_loadu_pd(p.hi + j0);
    step = _mm512_mask_mov_pd(_mm512_mask_mov_pd(step, _mm512_cmp_pd_mask(hi, step, _CMP_LT_OQ), hi),
                              _mm512_cmp_pd_mask(step, lo, _CMP_LT_OQ), lo);
    const __m512d k_new = _mm512_mask_mov_pd(k, t, step);
    _mm512_storeu_pd(p.k_next + j0, k_new);
    const __m512d d = _mm512_sub_pd(k_new, k);
    _mm512_storeu_pd(p.dk + j0, d);
    ok_k &= _mm512_cmp_epu64_mask(_mm512_and_si512(_mm512_castpd_si512(k_new), abs_bits), huge, _MM_CMPINT_LE);
    kdk = _mm512_add_pd(kdk, _mm512_mul_pd(k, d));
    const __m512d k2 = _mm512_mul_pd(k_new, k_new);
    k2s = _mm512_add_pd(k2s, _mm512_maskz_mov_pd(t, k2));
    r2s = _mm512_add_pd(r2s, _mm512_maskz_div_pd(t, one, k2));
    if (p.rates) k2r = _mm512_add_pd(k2r, _mm512_maskz_div_pd(t, k2, rate));
    const __m512i bits = _mm512_castpd_si512(k_new);
    const __m512i biased = _mm512_srli_epi64(bits, 52);
    const __mmask8 normal = t & _mm512_cmp_epi64_mask(biased, e_lo, _MM_CMPINT_NLT) & _mm512_cmp_epi64_mask(biased, e_hi, _MM_CMPINT_LE);
    special |= t & ~normal;
    expo = _mm512_mask_add_epi64(expo, normal, expo, _mm512_sub_epi64(biased, bias));
    const __m512d m = _mm512_castsi512_pd(_mm512_or_si512(_mm512_and_si512(bits, mantissa_bits), one_bits));
    mant = _mm512_mask_mul_pd(mant, normal, mant, m);
    if ((blk & 511) == 511) {  // as the portable build: 512 factors in [1, 2) stay below 2^512
      const __m512i mb = _mm512_castpd_si512(mant);
      expo = _mm512_add_epi64(expo, _mm512_sub_epi64(_mm512_srli_epi64(mb, 52), bias));
      mant = _mm512_castsi512_pd(_mm512_or_si512(_mm512_and_si512(mb, mantissa_bits), one_bits));
    }
  }
  _mm512_storeu_pd(r.kg, kg);
  _mm512_storeu_pd(r.kdk, kdk);
  _mm512_storeu_pd(r.kk, kk);
  _mm512_storeu_pd(r.gg, gg);
  _mm512_storeu_pd(r.after.k2, k2s);
  _mm512_storeu_pd(r.after.r2, r2s);
  _mm512_storeu_pd(r.after.k2_over_rate, p.rates ? k2r : k2s);
  _mm512_storeu_pd(r.after.mantissa, mant);
  _mm512_storeu_si512(r.after.exponent, expo);
  r.signal_finite = ok_signal == 0xff;
  r.conductances_finite = ok_k == 0xff;
  r.special = special != 0;
}

#undef SL_FETCH512
#undef SL_FETCH512_A
#undef SL_FETCH512_B

bool avx512_here() {
  static const bool here = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
  return here;
}

std::atomic<bool> use_avx512{true};  // tests switch it; passes may run on several threads

}  // namespace

void plain_pass(const PlainArgs& p, PlainResult& r) {
  if (use_avx512 && avx512_here()) return avx512_pass(p, r);
  portable_pass(p, r);
}

const char* plain_pass_build() { return use_avx512 && avx512_here() ? "avx512" : "portable"; }

void use_avx512_plain_pass(bool use) { use_avx512 = use; }

}  // namespace spiceloop
