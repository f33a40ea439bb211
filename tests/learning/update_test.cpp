// Update modes and parameterisations (update.hpp): taps, signs, bounds, rates, desync, invariants.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "emulator/learning/rules/invariants.hpp"
#include "emulator/learning/tasks/task.hpp"
#include "emulator/learning/rules/update.hpp"
#include "emulator/solver/oracle.hpp"
#include "tests/common/networks.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

std::vector<double> random_signal(std::size_t n, std::uint64_t seed, double scale) {
  Rng rng(seed);
  std::vector<double> g(n);
  for (double& x : g) x = scale * (2.0 * rng.uniform01() - 1.0);
  return g;
}

void check_on_taps(const Network& net) {
  for (const Edge& e : net.edges) {
    CHECK(e.code >= 0);
    CHECK(e.code <= e.taps - 1);
    CHECK(e.siemens == digipot_siemens(e, e.code));
  }
}

}  // namespace

TEST_CASE("quantised updates: digipots move by whole taps and stay within their codes", "[update]") {
  for (Rounding rounding : {Rounding::Nearest, Rounding::Stochastic}) {
    Network net = test::digipot_network(3);
    UpdateSpec spec;
    spec.mode = UpdateMode::Quantised;
    spec.rounding = rounding;
    Updater up(spec, net, 1);
    Rng rng(5);
    for (int step = 0; step < 200; ++step) {
      // Large steps, alternately up and down, drive edges against both ends.
      const auto g = random_signal(net.edges.size(), step, step % 20 < 10 ? 1.0 : -1.0);
      up.apply(net, g, 1e-3, rng);
      check_on_taps(net);
    }
  }
}

TEST_CASE("quantised updates: a huge step stops at the end codes", "[update]") {
  Network net = test::digipot_network(4);
  UpdateSpec spec;
  spec.mode = UpdateMode::Quantised;
  Updater up(spec, net, 1);
  Rng rng(1);
  std::vector<double> g(net.edges.size(), 1e9);  // towards more conductance: code 0
  up.apply(net, g, 1.0, rng);
  for (const Edge& e : net.edges) CHECK(e.code == 0);
  for (double& x : g) x = -1e9;
  up.apply(net, g, 1.0, rng);
  for (const Edge& e : net.edges) CHECK(e.code == e.taps - 1);
}

TEST_CASE("stochastic rounding: the mean tap change equals the continuous step", "[update]") {
  Network start = test::digipot_network(5);
  UpdateSpec spec;
  spec.mode = UpdateMode::Quantised;
  spec.rounding = Rounding::Stochastic;
  Rng rng(9);
  const Edge& e0 = start.edges[0];
  // A step of 0.3 taps in resistance on edge 0: dR = -(alpha k^2 g) ... chosen in conductance here.
  const double target_ohms = digipot_ohms(e0, e0.code) - 0.3 * e0.r_ab_ohms / e0.taps;
  const double dk = 1.0 / target_ohms - e0.siemens;
  std::vector<double> g(start.edges.size(), 0.0);
  g[0] = dk;  // alpha = 1
  double mean = 0.0;
  const int trials = 20000;
  for (int i = 0; i < trials; ++i) {
    Network net = start;
    Updater up(spec, net, 1);
    up.apply(net, g, 1.0, rng);
    mean += net.edges[0].code - e0.code;
  }
  mean /= trials;
  CHECK_THAT(mean, WithinAbs(-0.3, 0.015));  // binomial sd 0.0032
}

TEST_CASE("sign updates: every digipot moves one tap towards the rule's sign, none past its ends", "[update]") {
  Network net = test::digipot_network(6);
  net.edges[0].code = 0;  // at the most conductive end already
  net.edges[0].siemens = digipot_siemens(net.edges[0], 0);
  UpdateSpec spec;
  spec.mode = UpdateMode::Sign;
  spec.sign_deadband = 0.1;
  Updater up(spec, net, 1);
  Rng rng(1);
  std::vector<double> g = random_signal(net.edges.size(), 3, 1.0);
  g[0] = 0.5;
  g[1] = 0.05;  // inside the deadband
  const Network before = net;
  up.apply(net, g, 123.0, rng);  // alpha plays no part: one tap per clock
  for (std::size_t j = 0; j < g.size(); ++j) {
    const int moved = net.edges[j].code - before.edges[j].code;
    if (j == 0) CHECK(moved == 0);
    else if (std::abs(g[j]) <= 0.1) CHECK(moved == 0);
    else CHECK(moved == (g[j] > 0 ? -1 : 1));  // a lower code is more conductance
  }
  check_on_taps(net);
}

TEST_CASE("continuous updates: resistors are clipped to their bounds", "[update]") {
  Network net = test::random_network(7);
  for (Edge& e : net.edges) e.min_siemens = 1e-4, e.max_siemens = 1e-2, e.siemens = std::clamp(e.siemens, 1e-4, 1e-2);
  for (Parameter p : {Parameter::Conductance, Parameter::Resistance, Parameter::LogConductance}) {
    Network n = net;
    UpdateSpec spec;
    spec.parameter = p;
    Updater up(spec, n, 1);
    Rng rng(1);
    for (double sign : {1.0, -1.0}) {
      std::vector<double> g(n.edges.size(), sign * 1e12);
      up.apply(n, g, 1.0, rng);
      for (const Edge& e : n.edges) CHECK(e.siemens == (sign > 0 ? 1e-2 : 1e-4));
    }
  }
}

TEST_CASE("per-edge rates: each edge's step is scaled by its own fixed factor", "[update]") {
  Network net = test::random_network(8);
  UpdateSpec spec;
  spec.rate_spread = 0.5;
  Updater up(spec, net, 42);
  Rng rng(1);
  const auto k = net.conductances();
  const auto g = random_signal(net.edges.size(), 4, 1.0);
  const auto dk = up.apply(net, g, 1e-7, rng);
  bool differ = false;
  for (std::size_t j = 0; j < dk.size(); ++j) {
    const double s = up.rate_factors()[j];
    CHECK(s >= 0.5);
    CHECK(s <= 1.5);
    CHECK_THAT(dk[j], WithinRel(1e-7 * s * g[j], 1e-9));
    differ = differ || std::abs(s - up.rate_factors()[0]) > 1e-3;
  }
  CHECK(differ);
  CHECK(Updater(spec, net, 42).rate_factors() == up.rate_factors());  // fixed by the seed
}

TEST_CASE("desynchronous updates: about the given fraction of edges moves per step", "[update]") {
  Network net = test::random_network(9, 30, 60);
  UpdateSpec spec;
  spec.desync_fraction = 0.25;
  Updater up(spec, net, 1);
  Rng rng(2);
  const auto g = random_signal(net.edges.size(), 5, 1.0);
  int moved = 0, total = 0;
  for (int step = 0; step < 100; ++step) {
    const auto dk = up.apply(net, g, 1e-9, rng);
    for (double x : dk) moved += x != 0.0, ++total;
  }
  CHECK_THAT(static_cast<double>(moved) / total, WithinAbs(0.25, 0.02));
}

TEST_CASE("parameterisations: each conserves its own invariant to second order along the gradient", "[update]") {
  // Gradient flow with k . grad L = 0 conserves sum F(k), F' = k / m(k): sum k^2, sum R^2, sum ln k.
  const Network net = test::random_network(10);
  Oracle oracle(net);
  const auto grad = oracle.loss_gradient(default_input_volts(net), std::vector<double>{0.4, 0.6}).dloss_dsiemens;
  std::vector<double> g(grad.size());
  for (std::size_t j = 0; j < g.size(); ++j) g[j] = -grad[j];
  const auto invariant = [](Parameter p, const Invariants& v) {
    return p == Parameter::Conductance ? v.sum_k2 : p == Parameter::Resistance ? v.sum_r2 : v.sum_ln_k;
  };
  // Step sizes giving a largest relative conductance change of 1e-3: dk/k = alpha m(k) g / k.
  for (Parameter p : {Parameter::Conductance, Parameter::Resistance, Parameter::LogConductance}) {
    double worst = 0.0;
    for (std::size_t j = 0; j < g.size(); ++j) {
      const double k = net.edges[j].siemens;
      const double m = p == Parameter::Conductance ? 1.0 : p == Parameter::Resistance ? k * k * k * k : k * k;
      worst = std::max(worst, m * std::abs(g[j]) / k);
    }
    const double alpha = 1e-3 / worst;
    const Invariants v0 = measure_invariants(net, {});
    double change[2], other[2];
    for (int i = 0; i < 2; ++i) {
      Network n = net;
      UpdateSpec spec;
      spec.parameter = p;
      Rng rng(1);
      Updater(spec, n, 1).apply(n, g, i == 0 ? alpha : alpha / 10, rng);
      const Invariants v = measure_invariants(n, {});
      change[i] = invariant(p, v) - invariant(p, v0);
      // Another parameterisation's invariant changes at first order.
      const Parameter q = p == Parameter::Conductance ? Parameter::LogConductance : Parameter::Conductance;
      other[i] = invariant(q, v) - invariant(q, v0);
    }
    INFO("parameter " << parameter_name(p));
    if (p == Parameter::LogConductance) {
      // ln k moves by alpha k g, so sum ln k moves by alpha k . g = 0: exact even for a discrete step.
      CHECK(std::abs(change[0]) < 1e-14 * std::abs(invariant(p, v0)));
    } else {
      CHECK_THAT(change[0] / change[1], WithinRel(100.0, 0.05));  // quadratic in alpha
    }
    CHECK_THAT(other[0] / other[1], WithinRel(10.0, 0.05));     // linear in alpha
  }
}

TEST_CASE("gate updates: apply returns each gate's applied change in volts, whatever the edge's siemens field",
          "[update][transistor]") {
  Network net = test::transistor_lattice(2, 4.5, 5.5, 1, {0.45, 0.0});
  for (Edge& e : net.edges) e.siemens = 123.0;  // unused by a transistor: must not leak into dk
  UpdateSpec spec;
  spec.parameter = Parameter::GateVoltage;
  const Updater up(spec, net, 1);
  const std::vector<double> before = net.conductances();  // gate volts
  const std::vector<double> g = random_signal(net.edges.size(), 3, 1.0);
  Rng rng(1);
  const std::vector<double> dk = up.apply(net, g, 1e-3, rng);
  int moved = 0;
  for (std::size_t j = 0; j < net.edges.size(); ++j) {
    CAPTURE(j);
    const Edge& e = net.edges[j];
    REQUIRE(e.kind == ElementKind::Transistor);
    CHECK(dk[j] == e.gate_volts - before[j]);
    if (e.trainable) CHECK_THAT(dk[j], WithinAbs(std::clamp(before[j] + 1e-3 * g[j], e.min_gate_volts, e.max_gate_volts) - before[j], 1e-15));
    moved += dk[j] != 0.0 ? 1 : 0;
  }
  CHECK(moved > 0);
}
