// A sweep's grid is counted before it is expanded: a 1e9-point grid once died of bad_alloc after
// 25 s; now it is refused at once, naming the count and the limit (sweep_spec.hpp).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "emulator/core/error.hpp"
#include "emulator/study/sweep_spec.hpp"
#include "tests/study/study_helpers.hpp"

using namespace spiceloop;
using Catch::Matchers::Contains;

namespace {

nlohmann::json sweep_with_axes(std::size_t n) {
  std::vector<double> alphas, etas, seeds;
  for (std::size_t i = 0; i < n; ++i) {
    alphas.push_back(1e-9 * static_cast<double>(i + 1));
    etas.push_back(0.5 / static_cast<double>(i + 1));
    seeds.push_back(static_cast<double>(i));
  }
  return {{"networks", {study::testing::random_network(5)}}, {"rules", {"cl"}}, {"eta", etas},
          {"alpha", alphas}, {"seeds", seeds}};
}

}  // namespace

TEST_CASE("sweep: a grid beyond the limit is refused before it is expanded", "[study]") {
  const auto spec = study::parse_sweep(sweep_with_axes(10), ".", "sweep.json");
  CHECK(study::grid_size(spec) == 1000.0);
  CHECK(study::expand_grid(spec).size() == 1000);  // the count is expand_grid's
  try {
    study::parse_sweep(sweep_with_axes(1000), ".", "sweep.json");
    FAIL("accepted a 1e9-point grid");
  } catch (const InputError& e) {
    CHECK(e.id() == "config.too_large");
    CHECK_THAT(e.message(), Contains("1e+09 grid points") && Contains("1000000"));
  }
}

TEST_CASE("sweep: a seed too large for 64 bits is refused, not cast (found by fuzz_sweep_json)", "[study]") {
  for (double seed : {1e300, 0x1p64, -1.0, 2.5}) {
    auto doc = sweep_with_axes(1);
    doc["seeds"] = {1, seed};
    try {
      study::parse_sweep(doc, ".", "sweep.json");
      FAIL("accepted seed " << seed);
    } catch (const InputError& e) {
      CHECK(e.id() == "config.invalid");
      CHECK_THAT(e.where(), Contains("/seeds"));
    }
  }
  auto doc = sweep_with_axes(1);
  doc["seeds"] = {0x1p63};
  CHECK(study::parse_sweep(doc, ".", "sweep.json").seeds.at(0) == (std::uint64_t{1} << 63));
}
