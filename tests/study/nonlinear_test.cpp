// The finite-nudging study on nonlinear networks (diodes, transistors): the first step's update
// signal against its small-nudge limit g0 from the exact backend (small_nudge.hpp), and the nudge
// below which a simulator's tolerances, not the devices, set the measured drift.
#include <catch2/catch.hpp>

#include <cmath>

#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/solver/oracle.hpp"
#include "emulator/study/result_table.hpp"
#include "emulator/study/fits.hpp"
#include "emulator/study/small_nudge.hpp"
#include "emulator/core/error.hpp"
#include "emulator/network/generators.hpp"
#include "tests/common/files.hpp"
#include "tests/common/paths.hpp"
#include "tests/study/study_helpers.hpp"

using namespace spiceloop;
using namespace spiceloop::study;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

Network random_linear(int seed) { return generate_network(testing::random_network(seed)); }

// signal_rel_err by nudge for one network, rule and simulator (first seed, first alpha).
std::map<double, double> drift(const ResultTable& t, const std::string& network, const std::string& rule,
                               const std::string& backend, double reltol = 0) {
  std::map<double, double> out;
  for (std::size_t r = 0; r < t.size(); ++r)
    if (t.text(r, "network") == network && t.text(r, "rule") == rule && t.text(r, "backend") == backend &&
        (backend == "ideal" || t.number(r, "reltol") == reltol) && t.text(r, "seed") == "1")
      out.emplace(t.number(r, "nudge"), t.number(r, "signal_rel_err"));
  return out;
}

}  // namespace

TEST_CASE("small nudge: on a linear network the EP limit (half convention) is minus the oracle's gradient",
          "[study][nonlinear]") {
  for (int seed = 1; seed <= 3; ++seed) {
    const Network net = random_linear(seed);
    IdealSimulator exact(exact_options());
    exact.load(net);
    Oracle oracle(net);
    const std::vector<double> targets{0.1, -0.2};
    RuleSpec rule{RuleKind::EquilibriumPropagation, 1e-6, FactorConvention::Half};
    const std::vector<double> g0 = small_nudge_signal(rule, targets, exact);
    const std::vector<double> grad = oracle.loss_gradient({}, targets).dloss_dsiemens;
    std::vector<double> minus(grad.size());
    for (std::size_t j = 0; j < grad.size(); ++j) minus[j] = -grad[j];
    CAPTURE(seed);
    CHECK(signal_rel_err(g0, minus) < 1e-8);
    rule.kind = RuleKind::CenteredEquilibriumPropagation;  // the same limit
    CHECK(signal_rel_err(small_nudge_signal(rule, targets, exact), minus) < 1e-8);
  }
}

TEST_CASE("sweep: a diode and a transistor network drift from the small-nudge limit linearly in the nudge on the "
          "ideal backend, and carry no linear identity",
          "[study][nonlinear]") {
  const nlohmann::json doc = {{"networks", {test::bundled("diode_xor.json"), test::bundled("clln4x4.json")}},
                              {"rules", {"cl", "ep", "ep_centered"}}, {"eta", {1e-5, 1e-4, 1e-3, 1e-2}},
                              {"beta", {1e-8, 1e-7, 1e-6}}, {"alpha", 1e-9}, {"alpha_ep", 1e-14}, {"seeds", {1, 2}}};
  const ResultTable t = ResultTable::load(testing::run(doc, "nonlinear_ideal").results);
  REQUIRE(t.size() == 2 * 2 * (4 + 3 + 3));
  for (const char* net : {"diode_xor", "clln4x4"}) {
    for (const char* rule : {"cl", "ep"}) {
      const auto d = drift(t, net, rule, "ideal");
      std::vector<double> x, y;
      for (const auto& [nudge, err] : d) x.push_back(std::log(nudge)), y.push_back(std::log(err));
      INFO(net << " " << rule);
      CHECK_THAT(fit_slope(x, y), WithinAbs(1.0, 0.05));  // g(nu) = g0 + nu g1 + O(nu^2)
    }
    const auto c = drift(t, net, "ep_centered", "ideal");  // symmetric in beta: the nu g1 term cancels
    const auto e = drift(t, net, "ep", "ideal");
    for (const auto& [beta, err] : c) {
      INFO(net << " beta " << beta << " centered " << err << " vs ep " << e.at(beta));
      CHECK(err < 0.05 * e.at(beta));  // O(beta^2) (or the rounding floor) against O(beta)
    }
  }
  for (std::size_t r = 0; r < t.size(); ++r) {
    INFO("row " << r);
    CHECK(std::isnan(t.number(r, "nudge_pred")));
    CHECK(std::isnan(t.number(r, "nudge_rel_err")));
    CHECK(std::isfinite(t.number(r, "loss0")));
    if (t.text(r, "rule") == "cl") CHECK(t.number(r, "cos_grad") > 0.5);  // one output: CL is about descent
  }
}

TEST_CASE("sweep: ngspice's default tolerances, not the transistors, set the drift below a nudge the fits name; "
          "tight tolerances follow the ideal backend",
          "[study][nonlinear][ngspice]") {
  const nlohmann::json doc = {
      {"networks", {test::bundled("clln4x4.json")}}, {"rules", {"cl"}}, {"eta", {1e-6, 1e-5, 1e-3, 1e-1}},
      {"alpha", 1e-9}, {"backend", {"ideal", "ngspice"}},
      {"tolerances", {{{"reltol", 1e-3}, {"vntol_volts", 1e-6}, {"abstol_amps", 1e-12}},
                      {{"reltol", 1e-9}, {"vntol_volts", 1e-12}, {"abstol_amps", 1e-15}}}}};
  const SweepOutcome out = testing::run(doc, "nonlinear_ngspice");
  const ResultTable t = ResultTable::load(out.results);
  const auto ideal = drift(t, "clln4x4", "cl", "ideal"), loose = drift(t, "clln4x4", "cl", "ngspice", 1e-3),
             tight = drift(t, "clln4x4", "cl", "ngspice", 1e-9);
  INFO("ideal " << ideal.at(1e-6) << " loose " << loose.at(1e-6) << " tight " << tight.at(1e-6));
  CHECK(loose.at(1e-6) > 100 * ideal.at(1e-6));      // ~tol / eta
  CHECK(loose.at(1e-5) < loose.at(1e-6));            // ... falling as the nudge grows
  CHECK_THAT(loose.at(1e-1), WithinRel(ideal.at(1e-1), 1e-3));  // physics at a large nudge
  for (double eta : {1e-6, 1e-5, 1e-3, 1e-1}) CHECK_THAT(tight.at(eta), WithinRel(ideal.at(eta), 0.2));

  const auto fits = nlohmann::json::parse(test::read_text(out.summary)).at("fits").at("signal");
  bool named = false;
  for (const auto& g : fits) {
    const std::string group = g.at("group");
    if (group.find("reltol=0.001") == std::string::npos) continue;
    named = true;
    const double below = g.at("simulator_dominates_below").get<double>();
    CHECK(below >= 1e-5);
    CHECK(below < 1e-1);
  }
  CHECK(named);
}

TEST_CASE("sweep: quantised updates on a transistor network are refused, naming the network", "[study][nonlinear]") {
  const nlohmann::json doc = {{"networks", {test::bundled("clln4x4.json")}}, {"rules", {"cl"}}, {"eta", {0.1}},
                              {"alpha", 1e-9}, {"update", {"quantised"}}};
  try {
    testing::run(doc, "nonlinear_quantised");
    FAIL("a quantised transistor sweep ran");
  } catch (const InputError& e) {
    CHECK(e.id() == "config.invalid");
    CHECK_THAT(e.what(), Catch::Matchers::Contains("clln4x4"));
  }
}
