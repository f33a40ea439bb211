// The learning rules against hand calculation and the exact identities of DOMAIN.md section 3.
#include <catch2/catch.hpp>

#include <cmath>

#include "emulator/learning/rules/invariants.hpp"
#include "emulator/learning/rules/rule.hpp"
#include "emulator/learning/trainer.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/solver/oracle.hpp"
#include "emulator/spice/ngspice_simulator.hpp"
#include "tests/common/networks.hpp"
#include "tests/learning/experiment_docs.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

Drive free_drive(const Network& net) {
  Drive d;
  d.input_volts = default_input_volts(net);
  return d;
}

std::vector<double> signal_of(const RuleSpec& rule, const Network& net, IdealSimulator& sim,
                              const std::vector<double>& targets) {
  const Drive fd = free_drive(net);
  const State free = sim.solve(fd);
  std::vector<State> nudged;
  for (const Drive& d : nudged_drives(rule, net, fd, free, targets)) nudged.push_back(sim.solve(d));
  std::vector<double> g(net.edges.size(), 0.0);
  accumulate_signal(rule, net, free, nudged, 1.0, g);
  return g;
}

}  // namespace

TEST_CASE("coupled learning: equal free and clamped states give a zero update", "[rule]") {
  const Network net = test::random_network(1);
  IdealSimulator sim;
  sim.load(net);
  const State free = sim.solve(free_drive(net));
  for (RuleKind kind : {RuleKind::CoupledLearning, RuleKind::EquilibriumPropagation,
                        RuleKind::CenteredEquilibriumPropagation}) {
    RuleSpec rule{kind, 0.3, FactorConvention::Code, false};
    std::vector<State> same(kind == RuleKind::CenteredEquilibriumPropagation ? 2 : 1, free);
    std::vector<double> g(net.edges.size(), 0.0);
    accumulate_signal(rule, net, free, same, 1.0, g);
    for (double x : g) CHECK(x == 0.0);
  }
}

TEST_CASE("coupled learning: targets already reached give a zero update", "[rule]") {
  const Network net = test::divider(500.0, 1000.0);
  IdealSimulator sim;
  sim.load(net);
  const double v_out = sim.solve(free_drive(net)).node_volts[2];
  const auto g = signal_of({RuleKind::CoupledLearning, 0.5, FactorConvention::Code, false}, net, sim, {v_out});
  CHECK_THAT(g[0], WithinAbs(0.0, 1e-15));
  CHECK_THAT(g[1], WithinAbs(0.0, 1e-15));
}

TEST_CASE("coupled learning: on a divider the update has the sign and size worked out by hand", "[rule]") {
  // in(1 V) --k1=2 mS-- out --k2=1 mS-- gnd: V_F = 2/3. Target 0.5 V, eta = 0.5: V_C = 7/12.
  // Edge k1 drops 5/12 clamped vs 1/3 free: its drop grows, so it loses conductance; k2 gains.
  const Network net = test::divider(500.0, 1000.0);
  IdealSimulator sim;
  sim.load(net);
  const auto g = signal_of({RuleKind::CoupledLearning, 0.5, FactorConvention::Code, false}, net, sim, {0.5});
  const double f1 = 1.0 / 3.0, c1 = 5.0 / 12.0, f2 = 2.0 / 3.0, c2 = 7.0 / 12.0;
  CHECK(g[0] < 0.0);
  CHECK(g[1] > 0.0);
  CHECK_THAT(g[0], WithinRel(-(c1 * c1 - f1 * f1) / 0.5, 1e-12));
  CHECK_THAT(g[1], WithinRel(-(c2 * c2 - f2 * f2) / 0.5, 1e-12));
  // The half convention is exactly half of it.
  const auto h = signal_of({RuleKind::CoupledLearning, 0.5, FactorConvention::Half, false}, net, sim, {0.5});
  CHECK_THAT(h[0], WithinRel(0.5 * g[0], 1e-15));
}

TEST_CASE("equilibrium propagation: on a divider the nudge moves the output towards the target", "[rule]") {
  const Network net = test::divider(500.0, 1000.0);
  IdealSimulator sim;
  sim.load(net);
  const auto g = signal_of({RuleKind::EquilibriumPropagation, 1e-4, FactorConvention::Code, false}, net, sim, {0.5});
  CHECK(g[0] < 0.0);
  CHECK(g[1] > 0.0);
}

TEST_CASE("coupled learning: 2 k.dk = -alpha eta r^T H r at every step on random linear networks", "[rule][identity]") {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    for (const char* convention : {"half", "code"}) {
      const double eta = 0.05 * seed;
      const double alpha = 2e-5;
      const Network net = test::random_network(seed);
      const TrainConfig cfg = testcfg::parse(testcfg::allostery(testcfg::rule("cl", eta, convention), alpha, 20));
      IdealSimulator sim, oracle_sim;
      Trainer t(cfg, net, sim, &oracle_sim);
      Oracle oracle(net);
      const double f = std::string(convention) == "half" ? 1.0 : 2.0;
      while (!t.done()) {
        oracle.set_conductances(t.network().conductances());
        const Sample& s = t.dataset().train[0];
        const State free = oracle.free_state(s.input_volts);
        const auto r = output_residual(net, free, s.targets);
        const double rhr = quadratic_form(oracle.output_conductance(), r);
        const StepReport rep = t.step();
        // Independent of the trainer's own check: H from the oracle's Schur complement.
        CHECK_THAT(2.0 * rep.k_dot_dk_rule, WithinRel(-f * alpha * eta * rhr, 1e-10));
        REQUIRE(rep.identity_relative.has_value());
        CHECK(*rep.identity_relative < 1e-10);
      }
    }
  }
}

TEST_CASE("equilibrium propagation: 2 k.dk = -alpha beta r^T H^-1 r at every step on random linear networks",
          "[rule][identity]") {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    for (const char* convention : {"half", "code"}) {
      // beta comparable to the network's conductances (0.1-10 mS): a much smaller one loses digits in
      // (dV^beta)^2 - (dV^F)^2, as a small eta does in CL (DOMAIN.md, numerics).
      const double beta = 1e-3 * seed;
      const double alpha = 2e-6;
      const Network net = test::random_network(seed + 10);
      const TrainConfig cfg = testcfg::parse(testcfg::allostery(testcfg::rule("ep", beta, convention), alpha, 20));
      IdealSimulator sim, oracle_sim;
      Trainer t(cfg, net, sim, &oracle_sim);
      Oracle oracle(net);
      const double f = std::string(convention) == "half" ? 1.0 : 2.0;
      while (!t.done()) {
        oracle.set_conductances(t.network().conductances());
        const Sample& s = t.dataset().train[0];
        const auto r = output_residual(net, oracle.free_state(s.input_volts), s.targets);
        const double rhir = inverse_quadratic_form(oracle.output_conductance(), r);
        const StepReport rep = t.step();
        CHECK_THAT(2.0 * rep.k_dot_dk_rule, WithinRel(-f * alpha * beta * rhir, 1e-10));
        REQUIRE(rep.identity_relative.has_value());
        CHECK(*rep.identity_relative < 1e-10);
      }
    }
  }
}

TEST_CASE("centered equilibrium propagation: the half-convention update is exactly -alpha dL/dk", "[rule][identity]") {
  const Network net = test::random_network(21);
  IdealSimulator sim;
  sim.load(net);
  Oracle oracle(net);
  const std::vector<double> targets = {0.4, 0.5};
  const auto grad = oracle.loss_gradient(default_input_volts(net), targets).dloss_dsiemens;
  const auto g = signal_of({RuleKind::CenteredEquilibriumPropagation, 3e-3, FactorConvention::Half, false}, net, sim, targets);
  double scale = 0.0, kdg = 0.0;
  for (std::size_t j = 0; j < g.size(); ++j) scale = std::max(scale, std::abs(grad[j]));
  const auto k = net.conductances();
  for (std::size_t j = 0; j < g.size(); ++j) {
    CHECK_THAT(g[j], WithinAbs(-grad[j], 1e-9 * scale));
    kdg += k[j] * g[j];
  }
  CHECK_THAT(kdg, WithinAbs(0.0, 1e-10 * scale * 1e-2));
}

TEST_CASE("equilibrium propagation: with small beta the update matches -alpha times the adjoint gradient", "[rule]") {
  const Network net = test::random_network(22);
  IdealSimulator sim;
  sim.load(net);
  Oracle oracle(net);
  const std::vector<double> targets = {0.35, 0.55};
  const auto grad = oracle.loss_gradient(default_input_volts(net), targets).dloss_dsiemens;
  double gnorm = 0.0;
  for (double x : grad) gnorm += x * x;
  gnorm = std::sqrt(gnorm);
  double last_error = 1.0;
  for (double beta : {1e-3, 1e-4, 1e-5, 1e-6}) {
    const auto g = signal_of({RuleKind::EquilibriumPropagation, beta, FactorConvention::Half, false}, net, sim, targets);
    double err = 0.0;
    for (std::size_t j = 0; j < g.size(); ++j) err += (g[j] + grad[j]) * (g[j] + grad[j]);
    err = std::sqrt(err) / gnorm;
    CHECK(err < last_error);  // first order in beta
    last_error = err;
  }
  CHECK(last_error < 1e-3);
}

TEST_CASE("coupled learning: Q shrinks at small alpha and grows when eta is tiny (Euler term)", "[rule][identity]") {
  const Network net = test::random_network(3);
  // dQ = 2 k.dk + |dk|^2 exactly; -alpha eta r^T H r dominates unless eta << alpha |g|^2 / r^T H r.
  for (auto [eta, alpha, sign] : {std::tuple{0.5, 1e-6, -1}, std::tuple{1e-7, 3e-4, +1}}) {
    const TrainConfig cfg = testcfg::parse(testcfg::allostery(testcfg::rule("cl", eta, "half"), alpha, 5));
    IdealSimulator sim;
    Trainer t(cfg, net, sim);
    while (!t.done()) {
      const StepReport rep = t.step();
      double dk2 = 0.0;
      for (double x : rep.dk) dk2 += x * x;
      const double dq = rep.after.sum_k2 - rep.before.sum_k2;
      CHECK_THAT(dq, WithinRel(2.0 * rep.k_dot_dk + dk2, 1e-6));
      CHECK(dq * sign > 0.0);
    }
  }
}

TEST_CASE("coupled learning and equilibrium propagation: the identities hold on ngspice at its tolerances",
          "[rule][identity][ngspice]") {
  // The identity is computed from ngspice's free and nudged states and checked against the exact
  // S of the ideal oracle at the same conductances: a wrong clamp, sign, current direction or a
  // hidden shunt in the deck would show up here.
  for (const auto& [kind, nudge] : {std::pair{"cl", 0.2}, std::pair{"ep", 3e-3}}) {
    const Network net = test::random_network(41);
    const TrainConfig cfg = testcfg::parse(testcfg::allostery(testcfg::rule(kind, nudge, "half"), 2e-6, 4));
    NgspiceSimulator sim(cfg.tolerances);
    IdealSimulator oracle;
    Trainer t(cfg, net, sim, &oracle);
    while (!t.done()) {
      const StepReport rep = t.step();
      INFO(kind << " step " << rep.step);
      REQUIRE(rep.identity_relative.has_value());
      CHECK(*rep.identity_relative < 1e-9);
    }
  }
}
