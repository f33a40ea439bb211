// The one seeded random source (emulator/core/random.hpp). The expected numbers were printed by
// the generators it replaced (learning/rng.hpp, bench/realism.hpp's BenchRng, the network
// generators' own Rng, the study's Box-Muller) before they were deleted: saved networks, runs and
// checkpoints depend on every one of them, so a change here is a change of results.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "drivers/server/faults.hpp"
#include "emulator/core/error.hpp"
#include "emulator/core/random.hpp"

using namespace spiceloop;

TEST_CASE("random: Rng gives the mt19937_64 sequence of its seed, as training's Rng did") {
  Rng rng(42);
  CHECK(rng.next() == 13930160852258120406ULL);
  CHECK(rng.next() == 11788048577503494824ULL);
  CHECK(rng.next() == 13874630024467741450ULL);
}

TEST_CASE("random: a named stream draws as training's Rng::stream did") {
  Rng rng = Rng::stream(7, RandomStream::Training);
  CHECK(rng.next() == 10888482036489102858ULL);
  CHECK(rng.next() == 10053804455225174524ULL);
  CHECK(rng.next() == 4150561073650494104ULL);
  CHECK(rng.uniform01() == 0x1.c5126d71b4373p-1);
  CHECK(rng.uniform01() == 0x1.5140a7f6af4e8p-2);
  CHECK(rng.uniform(-1, 3) == -0x1.b6f4cd4c191cp-5);
  CHECK(rng.uniform(-1, 3) == -0x1.67a40ccda32ep-4);
  std::vector<std::uint64_t> below;
  for (int i = 0; i < 5; ++i) below.push_back(rng.below(10));
  CHECK(below == std::vector<std::uint64_t>{2, 8, 5, 1, 0});
  std::vector<int> items{0, 1, 2, 3, 4, 5, 6, 7};
  rng.shuffle(items);
  CHECK(items == std::vector<int>{1, 3, 0, 4, 2, 5, 7, 6});
  // The study's measurement noise.
  CHECK(rng.gaussian_unpaired() == -0x1.c676a88792b82p+0);
  CHECK(rng.gaussian_unpaired() == 0x1.52d31225c98eep-1);
  CHECK(rng.gaussian_unpaired() == 0x1.244febecd99c6p-2);
}

TEST_CASE("random: the generators' draws (closed uniform, bottom rejection) are those they made") {
  Rng rng(42);
  CHECK(rng.uniform_closed(1e-3, 2e-3) == 0x1.cc1a7e7427d4ep-10);
  CHECK(rng.uniform_closed(1e-3, 2e-3) == 0x1.ada988ef5523ep-10);
  CHECK(rng.uniform_closed(1e-3, 2e-3) == 0x1.cb50795718f43p-10);
  std::vector<std::uint64_t> below;
  for (int i = 0; i < 5; ++i) below.push_back(rng.below(10, Rejection::Bottom));
  CHECK(below == std::vector<std::uint64_t>{2, 1, 8, 6, 4});
  std::vector<int> items{0, 1, 2, 3, 4, 5, 6, 7};
  rng.shuffle(items, Rejection::Bottom);
  CHECK(items == std::vector<int>{7, 4, 5, 0, 2, 1, 3, 6});
}

TEST_CASE("random: SplitMixRng draws as the bench's realism generator did") {
  SplitMixRng rng(7);
  CHECK(rng.next() == 7191089600892374487ULL);
  CHECK(rng.next() == 309689372594955804ULL);
  CHECK(rng.next() == 16616101746815609346ULL);
  CHECK(rng.uniform01() == 0x1.2a75d6e0ce7c5p-1);
  // Box-Muller in pairs: cosine, then the sine of the same pair.
  CHECK(rng.gaussian() == 0x1.26d0bebc9703dp-8);
  CHECK(rng.gaussian() == 0x1.426a347623a52p+0);
  CHECK(rng.gaussian() == -0x1.29461d47f64cfp-1);
  CHECK(rng.gaussian() == 0x1.16487974b3adap+0);
}

TEST_CASE("random: the server's fault garbage is SplitMix64, byte for byte") {
  // drivers/server may not include emulator/ (DESIGN.md), so it keeps its own five lines.
  SplitMix64 engine(7);
  std::string expected;
  while (expected.size() < 40) {
    const std::uint64_t z = engine();
    for (int i = 0; i < 8; ++i) expected.push_back(static_cast<char>((z >> (8 * i)) & 0xff));
  }
  CHECK(server::garbage_bytes(40, 7) == expected);
  CHECK(server::garbage_bytes(16, 7) == expected.substr(0, 16));
}

TEST_CASE("random: the same seed and stream give the same numbers; other streams others") {
  const auto first = [](Rng rng) {
    std::vector<std::uint64_t> out;
    for (int i = 0; i < 1000; ++i) out.push_back(rng.next());
    return out;
  };
  const auto data = first(Rng::stream(7, RandomStream::Data));
  CHECK(first(Rng::stream(7, RandomStream::Data)) == data);
  std::set<std::uint64_t> seen(data.begin(), data.end());
  for (RandomStream other : {RandomStream::Split, RandomStream::Rates, RandomStream::Training,
                             RandomStream::SweepTargets, RandomStream::SweepJitter, RandomStream::SweepNoise})
    for (std::uint64_t x : first(Rng::stream(7, other))) CHECK(seen.insert(x).second);
  for (std::uint64_t x : first(Rng::stream(8, RandomStream::Data))) CHECK(seen.insert(x).second);
  CHECK(Rng::stream(7, RandomStream::Data).next() == 3704481576939033589ULL);
  CHECK(Rng::stream(7, RandomStream::Split).next() == 8666630936377128489ULL);
}

TEST_CASE("random: a saved state continues the same sequence") {
  Rng rng = Rng::stream(3, RandomStream::Training);
  for (int i = 0; i < 10; ++i) rng.next();
  Rng resumed;
  resumed.set_state(rng.state());
  for (int i = 0; i < 10; ++i) CHECK(resumed.next() == rng.next());
}

TEST_CASE("random: a malformed saved state is an InputError") {
  Rng rng;
  CHECK_THROWS_MATCHES(rng.set_state("not a state"), InputError,
                       Catch::Matchers::Predicate<InputError>([](const InputError& e) { return e.id() == "checkpoint.rng"; }));
}

TEST_CASE("random: Gaussian draws have mean 0 and variance 1") {
  SplitMixRng paired(11);
  Rng unpaired(11);
  const int n = 200'000;
  double sp = 0, sp2 = 0, su = 0, su2 = 0;
  for (int i = 0; i < n; ++i) {
    const double p = paired.gaussian(), u = unpaired.gaussian_unpaired();
    sp += p, sp2 += p * p, su += u, su2 += u * u;
  }
  CHECK_THAT(sp / n, Catch::Matchers::WithinAbs(0.0, 0.01));
  CHECK_THAT(su / n, Catch::Matchers::WithinAbs(0.0, 0.01));
  CHECK_THAT(sp2 / n, Catch::Matchers::WithinAbs(1.0, 0.01));
  CHECK_THAT(su2 / n, Catch::Matchers::WithinAbs(1.0, 0.01));
}
