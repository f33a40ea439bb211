// Each symmetry breaker adds a drift to the nudge identity that vanishes when it is switched off:
// guards against a breaker that does nothing, or an "off" that still leaks into the circuit.
#include <catch2/catch.hpp>

#include <functional>
#include <string>

#include "emulator/study/result_table.hpp"
#include "tests/study/study_helpers.hpp"

using namespace spiceloop;
using namespace spiceloop::study;

namespace {
// The largest identity error of the rows of one sweep.
double max_rel_err(const nlohmann::json& breaker) {
  nlohmann::json doc = {{"networks", {testing::random_network(3)}}, {"rules", {"cl", "ep"}}, {"eta", {0.3}},
                        {"beta", {1e-4}}, {"alpha", 1e-8}, {"alpha_ep", 1e-13}, {"seeds", {1, 2}}};
  doc.update(breaker);
  // A directory per breaker: ctest -j runs the two test cases at once.
  const SweepOutcome out = testing::run(doc, "breaker_" + std::to_string(std::hash<std::string>{}(breaker.dump())));
  const ResultTable t = ResultTable::load(out.results);
  double m = 0;
  for (std::size_t r = 0; r < t.size(); ++r) m = std::max(m, t.number(r, "nudge_rel_err"));
  return m;
}
}  // namespace

TEST_CASE("breakers: every breaker off keeps the identity exact", "[study]") {
  CHECK(max_rel_err(nlohmann::json::object()) < 1e-9);
  CHECK(max_rel_err({{"load_ohms", 0}, {"source_ohms", 0}, {"wiper_ohms", 0}, {"clip_margin", 0}, {"noise_volts", 0}}) < 1e-9);
}

TEST_CASE("breakers: each breaker on produces a measurable drift", "[study]") {
  CHECK(max_rel_err({{"load_ohms", 1e4}}) > 1e-3);
  CHECK(max_rel_err({{"source_ohms", 1e4}}) > 1e-3);
  CHECK(max_rel_err({{"wiper_ohms", 1e3}}) > 1e-3);
  CHECK(max_rel_err({{"clip_margin", 1e-6}}) > 1e-3);
  CHECK(max_rel_err({{"noise_volts", 1e-3}}) > 1e-3);
  CHECK(max_rel_err({{"update", "quantised"}, {"taps", 128}}) > 1e-3);
  CHECK(max_rel_err({{"update", "sign"}, {"taps", 128}}) > 1e-3);
}
