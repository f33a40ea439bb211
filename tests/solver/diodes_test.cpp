// Networks with diode edges: Newton converges, KCL holds with the exponential law, and the
// junction limiter behaves like SPICE's.
#include <catch2/catch.hpp>
#include <cmath>

#include "emulator/core/error.hpp"
#include "emulator/solver/diode_newton.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "tests/common/networks.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

// Largest KCL imbalance at an unheld node, from the diode law evaluated here (not the solver's
// currents), relative to the largest current through that node. The 1e-6 share of the network's
// largest current keeps nodes that carry picoamperes from measuring only the rounding of V.
double law_kcl_residual(const Network& net, const State& s, const std::vector<int>& held_extra = {},
                        const std::vector<double>& inject_amps = {}) {
  std::vector<double> out(net.node_count(), 0.0), scale(net.node_count(), 0.0);
  for (const Edge& e : net.edges) {
    const double dv = s.node_volts[e.a] - s.node_volts[e.b];
    const double i = e.kind == ElementKind::Diode
                         ? e.is_amps * (std::exp(dv / (e.emission * kThermalVolts)) - 1.0)
                         : e.siemens * dv;
    out[e.a] += i;
    out[e.b] -= i;
    scale[e.a] = std::max(scale[e.a], std::abs(i));
    scale[e.b] = std::max(scale[e.b], std::abs(i));
  }
  for (size_t o = 0; o < inject_amps.size(); ++o) out[net.outputs[o]] -= inject_amps[o];
  std::vector<char> held(net.node_count(), 0);
  held[0] = 1;
  for (const Input& in : net.inputs) held[in.node] = 1;
  for (int v : held_extra) held[v] = 1;
  const double floor = 1e-6 * *std::max_element(scale.begin(), scale.end());
  double worst = 0.0;
  for (int v = 0; v < net.node_count(); ++v)
    if (!held[v]) worst = std::max(worst, std::abs(out[v]) / (scale[v] + floor));
  return worst;
}

}  // namespace

TEST_CASE("diode solver: a resistor and a diode give the analytic operating point",
          "[solver][diode]") {
  for (double volts : {-5.0, -0.3, 0.2, 0.65, 1.0, 5.0, 20.0}) {
    Network net = test::empty_network("rd");
    const int in = test::add_node(net, "in"), x = test::add_node(net, "x");
    const double r = 1000.0, is = 1e-14, n = 1.5, nvt = n * kThermalVolts;
    test::add_resistor(net, in, x, 1.0 / r);
    test::add_diode(net, x, 0, is, n);
    net.inputs = {{in, volts}};
    // (V - x) / R = Is (exp(x / nVt) - 1) has one root; bisect it.
    double lo = std::min(volts, 0.0), hi = std::max(volts, 0.0);
    for (int i = 0; i < 200; ++i) {
      const double mid = 0.5 * (lo + hi);
      ((volts - mid) / r > is * std::expm1(mid / nvt) ? lo : hi) = mid;
    }
    IdealSimulator sim;
    sim.load(net);
    const State s = sim.solve(Drive{});
    CAPTURE(volts, sim.last_newton_iterations());
    REQUIRE_THAT(s.node_volts[x], WithinAbs(0.5 * (lo + hi), 1e-12));
    REQUIRE(sim.last_newton_iterations() < 60);
  }
}

TEST_CASE("diode solver: Newton converges on random diode networks and KCL holds",
          "[solver][diode]") {
  int most_iterations = 0;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    const Network net = test::diode_network(seed, 25, 20, 12, seed % 3 == 0 ? 10.0 : 2.0);
    IdealSimulator sim;
    sim.load(net);
    const State s = sim.solve(Drive{});
    CAPTURE(seed, sim.last_newton_iterations());
    REQUIRE(s.kcl_residual < 1e-9);
    REQUIRE(law_kcl_residual(net, s) < 1e-9);
    most_iterations = std::max(most_iterations, sim.last_newton_iterations());
  }
  REQUIRE(most_iterations < 100);
}

TEST_CASE("diode solver: every phase solves on a diode network", "[solver][diode]") {
  const Network net = test::diode_network(7, 25, 20, 10);
  IdealSimulator sim;
  sim.load(net);
  const State free = sim.solve(Drive{});
  REQUIRE(law_kcl_residual(net, free) < 1e-9);

  Drive clamped;
  clamped.phase = Phase::Clamped;
  clamped.clamp_volts = {0.3, -0.4};
  const State c = sim.solve(clamped);
  REQUIRE(c.node_volts[net.outputs[0]] == 0.3);
  REQUIRE(law_kcl_residual(net, c, net.outputs) < 1e-9);

  Drive nudged;
  nudged.phase = Phase::Nudged;
  nudged.nudge_amps = {1e-4, -2e-4};
  const State b = sim.solve(nudged);
  REQUIRE(law_kcl_residual(net, b, {}, nudged.nudge_amps) < 1e-9);

  Drive twin;
  twin.phase = Phase::Twin;
  twin.twin_eta = 0.5;
  twin.twin_targets = {0.1, 0.2};
  const TwinState t = sim.solve_twin(twin);
  for (int v = 0; v < net.node_count(); ++v)
    REQUIRE_THAT(t.free.node_volts[v], WithinAbs(free.node_volts[v], 1e-15));
  for (size_t o = 0; o < 2; ++o)
    REQUIRE_THAT(
        t.clamped.node_volts[net.outputs[o]],
        WithinAbs(0.5 * free.node_volts[net.outputs[o]] + 0.5 * twin.twin_targets[o], 1e-15));
  REQUIRE(law_kcl_residual(net, t.clamped, net.outputs) < 1e-9);
}

TEST_CASE("diode solver: a reverse-biased diode carries minus its saturation current",
          "[solver][diode]") {
  Network net = test::empty_network("reverse");
  const int in = test::add_node(net, "in"), x = test::add_node(net, "x");
  test::add_resistor(net, in, x, 1e-3);
  const int d = test::add_diode(net, x, 0, 1e-12);
  net.inputs = {{in, -3.0}};
  IdealSimulator sim;
  sim.load(net);
  const State s = sim.solve(Drive{});
  REQUIRE_THAT(s.edge_amps[d], WithinRel(-1e-12, 1e-9));
  REQUIRE_THAT(s.node_volts[x], WithinAbs(-3.0 + 1e-9, 1e-15));
}

TEST_CASE("diode solver: a diode across two held nodes carries its law's current",
          "[solver][diode]") {
  // Its junction voltage is given, so it stays out of the Newton iteration.
  Network net = test::divider(1000.0, 1000.0, 0.6);
  const int d = test::add_diode(net, 1, 0, 1e-14);
  IdealSimulator sim;
  sim.load(net);
  const State s = sim.solve(Drive{});
  REQUIRE(sim.last_newton_iterations() <= 2);
  REQUIRE_THAT(s.edge_amps[d], WithinRel(1e-14 * std::expm1(0.6 / kThermalVolts), 1e-14));
  REQUIRE_THAT(s.source_amps[0], WithinRel(s.edge_amps[d] + 0.6 / 2000.0, 1e-14));
  REQUIRE_THAT(s.node_volts[2], WithinRel(0.3, 1e-14));
}

TEST_CASE("diode solver: diodes alone across a large source voltage report the overflow",
          "[solver][diode]") {
  // 50 V over two diodes in series has no finite operating point.
  Network net = test::empty_network("chain");
  const int in = test::add_node(net, "in"), x = test::add_node(net, "x");
  test::add_diode(net, in, x);
  test::add_diode(net, x, 0);
  net.inputs = {{in, 50.0}};
  IdealSimulator sim;
  sim.load(net);
  try {
    sim.solve(Drive{});
    FAIL("expected solver.no_convergence");
  } catch (const SimulationError& e) {
    REQUIRE(e.id() == "solver.no_convergence");
    REQUIRE_THAT(e.message(), Catch::Matchers::Contains("current overflows"));
  }
}

TEST_CASE("diode solver: tolerances below rounding stop at the rounding floor", "[solver][diode]") {
  // Guards against iterating to the limit when reltol and vntol cannot be met in double precision.
  SolverOptions exact;
  exact.reltol = 0.0;
  exact.vntol_volts = 0.0;
  exact.abstol_amps = 0.0;
  const Network net = test::diode_network(5, 25, 20, 12);
  IdealSimulator strict(exact), usual;
  strict.load(net);
  usual.load(net);
  const State a = strict.solve(Drive{}), b = usual.solve(Drive{});
  REQUIRE(strict.last_newton_iterations() < 40);
  for (int v = 0; v < net.node_count(); ++v)
    REQUIRE_THAT(a.node_volts[v], WithinAbs(b.node_volts[v], 1e-12));
}

TEST_CASE("diode solver: too few Newton iterations is a no-convergence error", "[solver][diode]") {
  SolverOptions options;
  options.newton_max_iterations = 2;
  IdealSimulator sim(options);
  sim.load(test::diode_network(3, 20, 10, 8, 5.0));
  try {
    sim.solve(Drive{});
    FAIL("expected solver.no_convergence");
  } catch (const SimulationError& e) {
    REQUIRE(e.id() == "solver.no_convergence");
    REQUIRE(e.where() == "phase free");
    REQUIRE_THAT(e.message(), Catch::Matchers::Contains("did not converge in 2 iterations"));
  }
}

TEST_CASE("diode solver: the junction limiter shortens large forward steps only",
          "[solver][diode]") {
  const double nvt = kThermalVolts, v_crit = nvt * std::log(nvt / (std::sqrt(2.0) * 1e-14));
  bool limited = true;
  REQUIRE(limit_junction_volts(0.3, 0.29, nvt, v_crit, limited) == 0.3);
  REQUIRE_FALSE(limited);
  // From a non-conducting junction a 5 V step becomes a logarithmic one.
  REQUIRE_THAT(limit_junction_volts(5.0, 0.0, nvt, v_crit, limited),
               WithinRel(nvt * std::log(5.0 / nvt), 1e-15));
  REQUIRE(limited);
  // From a conducting junction: v_old + nVt ln(1 + dv / nVt).
  REQUIRE_THAT(limit_junction_volts(1.7, 0.7, nvt, v_crit, limited),
               WithinRel(0.7 + nvt * std::log(1.0 + 1.0 / nvt), 1e-15));
  // Large reverse swings are bounded as ngspice bounds them.
  REQUIRE(limit_junction_volts(-10.0, 0.5, nvt, v_crit, limited) == -1.5);
  REQUIRE(limited);
}
