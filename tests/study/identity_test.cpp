// The exact finite-nudge identities of DOMAIN.md section 3 on the ideal backend: guards against a
// wrong clamp, sign, current direction or convention factor in the measured nudge term.
#include <catch2/catch.hpp>

#include "emulator/network/load.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/study/measure.hpp"
#include "emulator/study/point_network.hpp"
#include "tests/study/study_helpers.hpp"

using namespace spiceloop;
using namespace spiceloop::study;

namespace {
SweepSpec spec_for(int seed, const std::string& convention) {
  return parse_sweep({{"networks", {testing::random_network(seed)}},
                      {"rules", {"cl", "ep"}},
                      {"convention", convention},
                      {"eta", {0.1, 0.5, 1.0}},
                      {"beta", {1e-4, 1e-3}},
                      {"alpha", 1e-8},
                      {"alpha_ep", 1e-13},
                      {"seeds", {1, 2}}});
}
}  // namespace

TEST_CASE("identity: the measured nudge term equals -f alpha nu S on random linear networks", "[study]") {
  for (int seed : {3, 11, 17, 23})
    for (const std::string conv : {"code", "half"}) {
      const SweepSpec spec = spec_for(seed, conv);
      const Network base = load_sweep_network(spec, 0);
      IdealSimulator sim;
      for (const SweepPoint& p : expand_grid(spec)) {
        const PointResult r = measure_point(build_point_circuit(spec, base, p), p, spec.convention, 1, sim);
        INFO("rel err " << r.nudge_rel_err << " seed " << seed << " " << conv << " rule " << rule_name(p.rule) << " nudge " << p.nudge);
        CHECK(r.nudge_pred < 0.0);
        CHECK_THAT(r.nudge_term, Catch::Matchers::WithinRel(r.nudge_pred, 1e-9));
        CHECK_THAT(r.dq, Catch::Matchers::WithinRel(r.nudge_term + r.euler_term, 1e-12));
      }
    }
}

TEST_CASE("identity: centered EP has no nudge term and follows the exact gradient", "[study]") {
  const SweepSpec spec = parse_sweep({{"networks", {testing::random_network(5)}}, {"rules", {"ep_centered"}},
                                      {"beta", {1e-7}}, {"alpha", 1e-13}});
  IdealSimulator sim;
  const SweepPoint p = expand_grid(spec).at(0);
  const PointResult r = measure_point(build_point_circuit(spec, load_sweep_network(spec, 0), p), p, spec.convention, 1, sim);
  CHECK(r.nudge_rel_err < 1e-6);
  CHECK(r.cos_grad > 0.999999);
}
