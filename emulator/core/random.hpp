// The one seeded random source: an engine whose output sequence is fixed, with our own mappings to
// doubles, indices, shuffles and Gaussians, because std::*_distribution and std::shuffle differ
// between standard libraries. Same seed, same numbers, on any platform.
//
// Two engines, both fixed forever:
//   Rng         std::mt19937_64 (its sequence is fixed by the C++ standard): training, the study,
//               the network generators; its state saves to text for checkpoints.
//   SplitMixRng SplitMix64 (Steele, Lea and Flood 2014; 8 bytes of state, so reseeding is free):
//               the bench's realism (noise, tolerances, digipot misses).
// Where two users drew from the same engine in two ways, both ways are kept, each named by what
// it does (uniform / uniform_closed, Rejection::Top / Bottom, gaussian / gaussian_unpaired):
// saved networks, checkpoints and runs depend on every one of those numbers.
#pragma once

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace spiceloop {

// SplitMix64's output function: a bijective mix of 64 bits.
constexpr std::uint64_t splitmix64_mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// SplitMix64 as a standard random engine: each call advances the state by the golden gamma and
// returns its mix.
class SplitMix64 {
 public:
  using result_type = std::uint64_t;
  static constexpr std::uint64_t kGamma = 0x9e3779b97f4a7c15ULL;
  explicit SplitMix64(std::uint64_t seed = 0) : state_(seed) {}
  std::uint64_t operator()() { return splitmix64_mix(state_ += kGamma); }
  static constexpr std::uint64_t min() { return 0; }
  static constexpr std::uint64_t max() { return ~std::uint64_t{0}; }

 private:
  std::uint64_t state_;
};

// Named streams, fixed forever: checkpoints, saved runs and sweeps depend on them. One list, so
// that adding a use of one stream never shifts the numbers of another, and no two users share one.
enum class RandomStream : std::uint64_t {
  Data = 1,       // a task's samples
  Split = 2,      // train / test split
  Rates = 3,      // per-edge learning-rate spread
  Training = 4,   // batch order, stochastic rounding, desynchronous updates, memristor pulse noise
  Devices = 5,    // each memristor of a run drawn from its nominal device (spread, stuck)
  Noise = 6,      // Johnson noise of the learning machine in time (emulator/dynamics/ode_noise.hpp)
  SweepTargets = 101,
  SweepJitter = 102,
  SweepNoise = 103,  // measurement noise of the study
  DynamicsImperfection = 121,  // the learning machine in time: device spread, twin mismatch, bias currents
};

// Unbiased index draws reject the partial block of 2^64 that n does not divide: at the top of the
// range (training, the study) or at the bottom (the network generators).
enum class Rejection { Top, Bottom };

template <class Engine>
class SeededRng {
 public:
  explicit SeededRng(std::uint64_t seed = 0) : engine_(seed) {}

  // An independent stream of one seed: the engine seeded by a SplitMix64 mix of (seed, stream),
  // which decorrelates nearby pairs.
  static SeededRng stream(std::uint64_t seed, RandomStream which) {
    const auto mix = [](std::uint64_t x) { return SplitMix64(x)(); };
    return SeededRng(mix(mix(seed) ^ (static_cast<std::uint64_t>(which) * 0xd1b54a32d192ed03ULL)));
  }

  std::uint64_t next() { return engine_(); }
  double uniform01() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1), 53 bits
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }  // [lo, hi)
  // [lo, hi]; fma rounds once, so the result is the same on every IEEE platform.
  double uniform_closed(double lo, double hi) { return std::clamp(std::fma(hi - lo, uniform01(), lo), lo, hi); }

  // [0, n), every value equally likely; n > 0.
  std::uint64_t below(std::uint64_t n, Rejection rejection = Rejection::Top) {
    if (rejection == Rejection::Bottom) {
      const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
      for (;;)
        if (const std::uint64_t r = next(); r >= threshold) return r % n;
    }
    const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);
    for (;;)
      if (const std::uint64_t r = next(); r < limit) return r % n;
  }

  // Fisher-Yates from the back, with below().
  template <class T>
  void shuffle(std::vector<T>& items, Rejection rejection = Rejection::Top) {
    for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[below(i, rejection)]);
  }

  // Standard normal by Box-Muller, in pairs: the cosine now, the sine at the next call.
  double gaussian() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u1 = uniform01();
    while (u1 <= 0.0) u1 = uniform01();
    const double u2 = uniform01();
    spare_ = radius(u1) * std::sin(angle(u2));
    has_spare_ = true;
    return radius(u1) * std::cos(angle(u2));
  }
  // Standard normal by Box-Muller, one per pair of uniforms (the sine is dropped), u1 = 1 - u.
  double gaussian_unpaired() {
    const double u1 = 1.0 - uniform01();  // (0, 1]: log stays finite
    const double u2 = uniform01();
    return radius(u1) * std::cos(angle(u2));
  }

  // The engine state as decimal text (the standard's stream format, classic locale), exact; Rng
  // only. Not between the two halves of a gaussian() pair: the spare is not part of the text.
  std::string state() const;
  void set_state(const std::string& text);  // throws InputError checkpoint.rng on malformed text

 private:
  static double radius(double u1) { return std::sqrt(-2.0 * std::log(u1)); }
  static double angle(double u2) { return 2.0 * std::numbers::pi * u2; }

  Engine engine_;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

using Rng = SeededRng<std::mt19937_64>;
using SplitMixRng = SeededRng<SplitMix64>;

// Saved state is the training stream's only (random.cpp).
template <>
std::string SeededRng<std::mt19937_64>::state() const;
template <>
void SeededRng<std::mt19937_64>::set_state(const std::string& text);

}  // namespace spiceloop
