// The scaling laws read off a sweep: |dQ| ~ nu at small alpha, ~ alpha^2 at small nu; and the
// invariant each parameterisation conserves in the small-step limit.
#include <catch2/catch.hpp>

#include <fstream>

#include "emulator/study/result_table.hpp"
#include "tests/study/study_helpers.hpp"

using namespace spiceloop;
using namespace spiceloop::study;
using Catch::Matchers::WithinAbs;

namespace {
nlohmann::json load_summary(const std::filesystem::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}
}  // namespace

TEST_CASE("scaling: fitted slopes of |dQ| are 1 in the nudge and 2 in alpha", "[study]") {
  const nlohmann::json doc = {{"networks", {testing::random_network(7), testing::random_network(13)}},
                              {"rules", {"cl", "ep"}},
                              {"eta", {1e-7, 1e-6, 1e-3, 1e-2, 1e-1}},
                              {"beta", {1e-12, 1e-11, 1e-8, 1e-7, 1e-6}},
                              {"alpha", {1e-11, 1e-10, 1e-9, 1e-8}},
                              {"alpha_ep", {1e-16, 1e-15, 1e-14, 1e-13}}};
  const SweepOutcome out = testing::run(doc, "scaling");
  REQUIRE(out.complete);
  const auto fits = load_summary(out.summary)["fits"];
  REQUIRE(fits["eta_slope"]["groups"].get<int>() == 4);
  REQUIRE(fits["alpha_slope"]["groups"].get<int>() == 4);
  CHECK_THAT(fits["eta_slope"]["min"].get<double>(), WithinAbs(1.0, 0.05));
  CHECK_THAT(fits["eta_slope"]["max"].get<double>(), WithinAbs(1.0, 0.05));
  CHECK_THAT(fits["alpha_slope"]["min"].get<double>(), WithinAbs(2.0, 0.05));
  CHECK_THAT(fits["alpha_slope"]["max"].get<double>(), WithinAbs(2.0, 0.05));
}

TEST_CASE("scaling: log-conductance conserves sum ln k and resistance conserves sum R^2", "[study]") {
  const nlohmann::json doc = {{"networks", {testing::random_network(17)}},
                              {"rules", {"cl", "ep"}},
                              {"eta", {1e-6}},
                              {"beta", {1e-11}},
                              {"alpha", {1e-11}},
                              {"alpha_ep", {1e-16}},
                              {"parameter", {"conductance", "resistance", "log_conductance"}},
                              {"run_steps", 50}};
  const SweepOutcome out = testing::run(doc, "invariants");
  const auto inv = load_summary(out.summary)["fits"]["invariants"];
  CHECK(inv["conductance"]["conserved"] == "sum_k2");
  CHECK(inv["resistance"]["conserved"] == "sum_r2");
  CHECK(inv["log_conductance"]["conserved"] == "sum_ln_k");
  // Per row, over the run: the conserved invariant drifts orders of magnitude less than the others.
  const ResultTable t = ResultTable::load(out.results);
  for (std::size_t r = 0; r < t.size(); ++r) {
    const std::string p = t.text(r, "parameter");
    const double k2 = t.number(r, "total_k2"), r2 = t.number(r, "total_r2"), lnk = t.number(r, "total_lnk");
    INFO(p << " k2 " << k2 << " r2 " << r2 << " lnk " << lnk);
    if (p == "log_conductance") CHECK(lnk < 1e-2 * std::min(k2, r2));
    if (p == "resistance") CHECK(r2 < 1e-2 * std::min(k2, lnk));
    if (p == "conductance") CHECK(k2 < 1e-2 * std::min(r2, lnk));
  }
}
