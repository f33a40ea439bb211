#include "emulator/learning/rng.hpp"

#include <locale>
#include <sstream>

#include "emulator/core/error.hpp"

namespace spiceloop {

namespace {
// SplitMix64 finaliser: decorrelates nearby (seed, purpose) pairs before seeding the engine.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
}  // namespace

Rng Rng::stream(std::uint64_t seed, std::uint64_t purpose) {
  return Rng(mix(mix(seed) ^ (purpose * 0xd1b54a32d192ed03ULL)));
}

double Rng::uniform01() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

double Rng::uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }

std::uint64_t Rng::below(std::uint64_t n) {
  // Rejection keeps every value equally likely: discard the top partial block of 2^64.
  const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);
  for (;;) {
    const std::uint64_t x = engine_();
    if (x < limit) return x % n;
  }
}

void Rng::shuffle(std::vector<int>& items) {
  for (std::size_t i = items.size(); i > 1; --i) {
    const std::size_t j = static_cast<std::size_t>(below(i));
    std::swap(items[i - 1], items[j]);
  }
}

std::string Rng::state() const {
  std::ostringstream out;
  out.imbue(std::locale::classic());
  out << engine_;
  return out.str();
}

void Rng::set_state(const std::string& text) {
  std::istringstream in(text);
  in.imbue(std::locale::classic());
  std::mt19937_64 e;
  in >> e;
  if (in.fail()) throw InputError("checkpoint.rng", "/rng", "the saved random generator state is malformed");
  engine_ = e;
}

}  // namespace spiceloop
