// The one random source of training: std::mt19937_64 (its output sequence is fixed by the standard)
// with our own mappings to doubles, indices and shuffles, because std::uniform_*_distribution and
// std::shuffle differ between standard libraries. Same seed, same numbers, on any platform.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace spiceloop {

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) : engine_(seed) {}

  // An independent stream for one purpose (data, split, rates, training), so that adding a use of
  // one stream never shifts the numbers of another.
  static Rng stream(std::uint64_t seed, std::uint64_t purpose);

  std::uint64_t next() { return engine_(); }
  double uniform01();                        // [0, 1), 53 random bits
  double uniform(double lo, double hi);      // [lo, hi)
  std::uint64_t below(std::uint64_t n);      // [0, n), unbiased; n > 0
  void shuffle(std::vector<int>& items);     // Fisher-Yates with below()

  // The engine state as decimal text (the standard's stream format, classic locale), exact.
  std::string state() const;
  void set_state(const std::string& text);   // throws InputError on malformed text

 private:
  std::mt19937_64 engine_;
};

// Stream purposes, fixed forever: checkpoints and old runs depend on them.
enum class RngPurpose : std::uint64_t { Data = 1, Split = 2, Rates = 3, Training = 4 };

inline Rng make_rng(std::uint64_t seed, RngPurpose p) {
  return Rng::stream(seed, static_cast<std::uint64_t>(p));
}

}  // namespace spiceloop
