#include "emulator/learning/rules/plain_pass.hpp"

// GCC 12 reports the intrinsics' own _mm512_undefined_pd() placeholders as uninitialized (a known
// false positive inside immintrin.h).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <atomic>
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
#define SL_FETCH(row, idx, first, kind)                                          \
  ((kind) == 2 ? SL_LOAD((row) + (first)) : (kind) == 1 ? (v8d{} + (row)[(first)]) \
                                                        : SL_GATHER(row, idx))

// The portable build. Non-trainable edges multiply the log product by exact ones.
__attribute__((target_clones("arch=x86-64-v3", "default")))
void portable_pass(const PlainArgs& p, PlainResult& r) {
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
    const unsigned ka = p.kinds[blk] & 3u, kb = p.kinds[blk] >> 2;
    const int fa = ia[0], fb = ib[0];
    if (p.identity)
      for (std::size_t i = 0; i < p.samples; ++i) {
        const double* z = p.identity + i * p.nodes;
        const v8d dz = SL_FETCH(z, ia, fa, ka) - SL_FETCH(z, ib, fb, kb);
        SL_STORE(p.power + i * kLanes, SL_LOAD(p.power + i * kLanes) + (k * dz) * dz);
      }
    v8d g = zero;
    for (std::size_t i = 0; i < p.samples; ++i) {
      if (p.centered) {
        const double* plus = p.nudged + (2 * i) * p.nodes;
        const double* minus = plus + p.nodes;
        const v8d x = SL_FETCH(plus, ia, fa, ka) - SL_FETCH(plus, ib, fb, kb), y = SL_FETCH(minus, ia, fa, ka) - SL_FETCH(minus, ib, fb, kb);
        g += p.scale * ((x - y) * (x + y));
      } else {
        const double* f0 = p.free + i * p.nodes;
        const double* n0 = p.nudged + i * p.nodes;
        const v8d f = SL_FETCH(f0, ia, fa, ka) - SL_FETCH(f0, ib, fb, kb), n = SL_FETCH(n0, ia, fa, ka) - SL_FETCH(n0, ib, fb, kb);
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
    const v8d lo = p.uniform_bounds ? zero + p.lo[0] : SL_LOAD(p.lo + j0);
    const v8d hi = p.uniform_bounds ? zero + p.hi[0] : SL_LOAD(p.hi + j0);
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
#undef SL_FETCH

// The AVX-512 build: the portable build's operations, lane for lane, in intrinsics (GCC's vector
// extensions compiled for AVX-512 ran at a third of this speed: blends and gathers went scalar).
#define SL_FETCH512(row, idx, first, kind)                                                            \
  ((kind) == 2 ? _mm512_loadu_pd((row) + (first))                                                    \
               : (kind) == 1 ? _mm512_set1_pd((row)[(first)]) : _mm512_i32gather_pd((idx), (row), 8))
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
