// Transistor networks on the ideal backend: the device law is ngspice's level-1 NMOS (both
// regions, both current directions, lambda), Newton on it converges with KCL holding, and the
// exact gradient with respect to gate voltages matches central differences (issue 11).
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "emulator/core/error.hpp"
#include "emulator/network/generators.hpp"
#include "emulator/network/transistor.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "tests/common/networks.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

Edge lab_transistor(double gate_volts) { return transistor_edge("t", 1, 2, gate_volts, true); }

// The law alone, without the body junctions' gmin that the ideal backend adds as ngspice does.
SolverOptions no_gmin() {
  SolverOptions o;
  o.gmin_siemens = 0.0;
  return o;
}

Network lattice(std::uint64_t seed, double gate_lo, double gate_hi, int outputs = 1) {
  return test::transistor_lattice(seed, gate_lo, gate_hi, outputs, {0.45, 0.1});
}

}  // namespace

TEST_CASE("transistor law: the ohmic region is the lab's I = K (V_G - V_T - (V_a + V_b)/2)(V_a - V_b)(1 + lambda |dV|)",
          "[solver][transistor]") {
  const Edge e = lab_transistor(5.0);
  for (auto [va, vb] : {std::pair{0.45, 0.1}, std::pair{0.1, 0.45}, std::pair{0.3, 0.0}, std::pair{0.0, 0.2}}) {
    const double expected = e.k_amps_per_volt2 * (e.gate_volts - e.threshold_volts - 0.5 * (va + vb)) * (va - vb) *
                            (1.0 + e.lambda_per_volt * std::abs(va - vb));
    CAPTURE(va, vb);
    CHECK_THAT(transistor_point(e, va, vb).amps, WithinRel(expected, 1e-14));
  }
}

TEST_CASE("transistor law: reversing the drop reverses the current (the lower terminal is the source)",
          "[solver][transistor]") {
  const Edge e = lab_transistor(1.2);  // low gate: the 0.45 V drop saturates
  for (auto [va, vb] : {std::pair{0.45, 0.0}, std::pair{0.3, 0.25}, std::pair{0.9, 0.1}}) {
    CAPTURE(va, vb);
    CHECK(transistor_point(e, va, vb).amps == -transistor_point(e, vb, va).amps);
  }
}

TEST_CASE("transistor law: saturation and cutoff follow the level-1 model", "[solver][transistor]") {
  const Edge e = lab_transistor(1.0);  // overdrive 0.38 V at a source on ground
  const double vov = 1.0 - 0.62;
  const double sat = 0.5 * e.k_amps_per_volt2 * vov * vov * (1.0 + 0.02 * 0.9);
  CHECK_THAT(transistor_point(e, 0.9, 0.0).amps, WithinRel(sat, 1e-14));
  CHECK(transistor_point(e, 0.9, 0.5).amps == 0.0);  // V_G - V_T below the source: cut off
  CHECK(transistor_point(e, 0.9, 0.5).d_volts_a == 0.0);
}

TEST_CASE("transistor law: the partial derivatives match central differences in every region",
          "[solver][transistor]") {
  for (double gate : {5.0, 1.0}) {
    Edge e = lab_transistor(gate);
    for (auto [va, vb] : {std::pair{0.45, 0.1}, std::pair{0.1, 0.45}, std::pair{0.8, 0.05}, std::pair{0.05, 0.8}}) {
      const TransistorPoint p = transistor_point(e, va, vb);
      const double h = 1e-6;
      const double da = (transistor_point(e, va + h, vb).amps - transistor_point(e, va - h, vb).amps) / (2 * h);
      const double db = (transistor_point(e, va, vb + h).amps - transistor_point(e, va, vb - h).amps) / (2 * h);
      Edge up = e, down = e;
      up.gate_volts += h, down.gate_volts -= h;
      const double dg = (transistor_point(up, va, vb).amps - transistor_point(down, va, vb).amps) / (2 * h);
      CAPTURE(gate, va, vb);
      CHECK_THAT(p.d_volts_a, WithinRel(da, 1e-6));
      CHECK_THAT(p.d_volts_b, WithinRel(db, 1e-6));
      CHECK_THAT(p.d_gate_volts, WithinRel(dg, 1e-6));
    }
  }
}

TEST_CASE("transistor solver: a transistor over a resistor gives the root of the ohmic quadratic",
          "[solver][transistor]") {
  Network net;
  net.name = "tr";
  net.node_names = {"gnd", "in", "x"};
  Edge t = lab_transistor(3.0);
  t.lambda_per_volt = 0.0;
  net.edges = {t, resistor_edge("r", 2, 0, 1e-3)};
  net.inputs = {{1, 0.45}};
  IdealSimulator sim(no_gmin());
  sim.load(net);
  const State s = sim.solve(Drive{});
  // K (V_G - V_T - (0.45 + x)/2)(0.45 - x) = g x, bisected.
  const double k = t.k_amps_per_volt2, vt = t.threshold_volts;
  double lo = 0.0, hi = 0.45;
  for (int i = 0; i < 200; ++i) {
    const double x = 0.5 * (lo + hi);
    (k * (3.0 - vt - 0.5 * (0.45 + x)) * (0.45 - x) > 1e-3 * x ? lo : hi) = x;
  }
  CHECK_THAT(s.node_volts[2], WithinAbs(0.5 * (lo + hi), 1e-13));
  CHECK(sim.last_newton_iterations() < 10);
}

TEST_CASE("transistor solver: Newton converges on lattices in the ohmic and saturated regimes and KCL holds",
          "[solver][transistor]") {
  int most = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    for (auto [lo, hi] : {std::pair{4.0, 6.0}, std::pair{1.0, 1.3}}) {
      const Network net = lattice(seed, lo, hi, 2);
      IdealSimulator sim(no_gmin());
      sim.load(net);
      for (const Drive& d : {Drive{}, Drive{Phase::Clamped, {}, {0.2, 0.3}, {}, 0.0, {}},
                             Drive{Phase::Nudged, {}, {}, {1e-5, -1e-5}, 0.0, {}}}) {
        const State s = sim.solve(d);
        CAPTURE(seed, lo, phase_name(d.phase));
        REQUIRE(s.kcl_residual < 1e-10);
        most = std::max(most, sim.last_newton_iterations());
      }
    }
  }
  CHECK(most < 30);
}

TEST_CASE("transistor solver: the twin's clamped copy holds (1 - eta) V_free + eta T", "[solver][transistor]") {
  const Network net = lattice(4, 4.0, 6.0);
  IdealSimulator sim;
  sim.load(net);
  Drive d;
  d.phase = Phase::Twin;
  d.twin_eta = 0.25;
  d.twin_targets = {0.3};
  const TwinState t = sim.solve_twin(d);
  const double vf = t.free.node_volts[net.outputs[0]];
  CHECK_THAT(t.clamped.node_volts[net.outputs[0]], WithinAbs(0.75 * vf + 0.25 * 0.3, 1e-15));
}

TEST_CASE("transistor solver: a node joined only by cut-off transistors is a named singular error",
          "[solver][transistor]") {
  Network net;
  net.name = "cut";
  net.node_names = {"gnd", "in", "x"};
  // V_G - V_T < 0 with either terminal as the source: both channels are off at any node voltage.
  Edge t1 = transistor_edge("t1", 1, 2, 0.75), t2 = transistor_edge("t2", 2, 0, 0.75);
  t1.threshold_volts = t2.threshold_volts = 1.0;
  net.edges = {t1, t2};
  net.inputs = {{1, 0.45}};
  IdealSimulator sim(no_gmin());  // with ngspice's gmin to the body the node sits at 0 V (below)
  sim.load(net);
  try {
    sim.solve(Drive{});
    FAIL("solved a node with no conducting edge");
  } catch (const SimulationError& e) {
    CHECK(e.id() == "solver.singular");
    CHECK_THAT(e.where(), Catch::Matchers::Contains("'x'"));
  }
  IdealSimulator with_gmin;  // the default: each body junction leaks gmin, as in ngspice's deck
  with_gmin.load(net);
  CHECK_THAT(with_gmin.solve(Drive{}).node_volts[2], WithinAbs(0.0, 1e-15));
}

TEST_CASE("transistor oracle: dL/dV_G by the implicit function theorem matches central differences",
          "[solver][transistor][gradient]") {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    for (auto [lo, hi] : {std::pair{4.0, 6.0}, std::pair{1.0, 1.3}}) {
      const Network net = lattice(seed, lo, hi, 2);
      IdealSimulator sim;
      sim.load(net);
      const std::vector<double> targets{0.2, 0.25};
      const Drive free;
      const std::vector<double> grad = sim.loss_gradient(free, targets);
      const auto loss = [&](const std::vector<double>& gates) {
        sim.set_conductances(gates);
        const State s = sim.solve(free);
        double l = 0.0;
        for (std::size_t o = 0; o < targets.size(); ++o) {
          const double r = targets[o] - s.node_volts[net.outputs[o]];
          l += 0.5 * r * r;
        }
        return l;
      };
      const std::vector<double> gates = net.conductances();
      double scale = 0.0;
      for (double g : grad) scale = std::max(scale, std::abs(g));
      REQUIRE(scale > 0.0);
      for (int j = 0; j < net.edge_count(); ++j) {
        const double h = 1e-5;
        std::vector<double> up = gates, down = gates;
        up[j] += h, down[j] -= h;
        const double fd = (loss(up) - loss(down)) / (2 * h);
        CAPTURE(seed, lo, j, grad[j], fd);
        CHECK_THAT(grad[j], WithinAbs(fd, 1e-6 * scale));
      }
      sim.set_conductances(gates);
    }
  }
}

TEST_CASE("transistor oracle: on a linear network the same gradient is dL/dk", "[solver][gradient]") {
  Network net;
  net.name = "div";
  net.node_names = {"gnd", "in", "out"};
  net.edges = {resistor_edge("r1", 1, 2, 1e-3, true), resistor_edge("r2", 2, 0, 2e-3, true)};
  net.inputs = {{1, 1.0}};
  net.outputs = {2};
  IdealSimulator sim;
  sim.load(net);
  const std::vector<double> g = sim.loss_gradient(Drive{}, std::vector<double>{0.5});
  // V = k1 / (k1 + k2); L = 1/2 (T - V)^2; dL/dk1 = -(T - V) k2 / (k1 + k2)^2.
  const double v = 1.0 / 3.0, r = 0.5 - v, s = 3e-3;
  CHECK_THAT(g[0], WithinRel(-r * 2e-3 / (s * s), 1e-12));
  CHECK_THAT(g[1], WithinRel(r * 1e-3 / (s * s), 1e-12));
}

TEST_CASE("ideal gradient: on a network with fixed diodes dL/dk matches central differences", "[solver][gradient]") {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    Network net = test::random_network(seed, 9, 10, 2, 2);
    net.inputs[0].volts = 1.2;
    net.inputs[1].volts = 0.1;
    std::mt19937_64 rng(seed);
    for (int d = 0; d < 4; ++d) {  // diodes both ways between random free nodes and ground
      const int a = 1 + test::pick(rng, net.node_count() - 1);
      if (d % 2) test::add_diode(net, a, 0);
      else test::add_diode(net, 0, a);
    }
    IdealSimulator sim;
    sim.load(net);
    const std::vector<double> targets{0.3, 0.5};
    const std::vector<double> grad = sim.loss_gradient(Drive{}, targets);
    const std::vector<double> k = net.conductances();
    const auto loss = [&](const std::vector<double>& values) {
      sim.set_conductances(values);
      const State s = sim.solve(Drive{});
      double l = 0.0;
      for (std::size_t o = 0; o < targets.size(); ++o) l += 0.5 * std::pow(targets[o] - s.node_volts[net.outputs[o]], 2);
      return l;
    };
    double scale = 0.0;
    for (std::size_t j = 0; j < grad.size(); ++j) scale = std::max(scale, std::abs(grad[j] * k[j]));
    REQUIRE(scale > 0.0);
    for (int j = 0; j < net.edge_count(); ++j) {
      if (net.edges[j].kind == ElementKind::Diode) {
        CHECK(grad[j] == 0.0);
        continue;
      }
      const double h = 1e-6 * k[j];
      std::vector<double> up = k, down = k;
      up[j] += h, down[j] -= h;
      const double fd = (loss(up) - loss(down)) / (2 * h);
      CAPTURE(seed, j, grad[j], fd);
      CHECK_THAT(grad[j] * k[j], WithinAbs(fd * k[j], 1e-6 * scale));
    }
  }
}
