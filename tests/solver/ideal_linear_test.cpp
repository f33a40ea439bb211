// The ideal backend on linear networks: analytic circuits, a dense reference solve, KCL, and the
// scale invariance of the free state that the conservation law rests on.
#include <Eigen/Dense>
#include <catch2/catch.hpp>

#include "emulator/solver/ideal_simulator.hpp"
#include "tests/common/networks.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

State solve_free(const Network& net) {
  IdealSimulator sim;
  sim.load(net);
  return sim.solve(Drive{});
}

// Node voltages by a dense LU of the reduced Laplacian: an independent reference.
std::vector<double> dense_free_volts(const Network& net) {
  const int n = net.node_count();
  std::vector<double> v(n, 0.0);
  std::vector<int> held(n, 0), index(n, -1);
  held[0] = 1;
  for (const Input& in : net.inputs) held[in.node] = 1, v[in.node] = in.volts;
  int f = 0;
  for (int i = 0; i < n; ++i)
    if (!held[i]) index[i] = f++;
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(f, f);
  Eigen::VectorXd b = Eigen::VectorXd::Zero(f);
  for (const Edge& e : net.edges) {
    const int ia = index[e.a], ib = index[e.b];
    if (ia >= 0) a(ia, ia) += e.siemens;
    if (ib >= 0) a(ib, ib) += e.siemens;
    if (ia >= 0 && ib >= 0) a(ia, ib) -= e.siemens, a(ib, ia) -= e.siemens;
    if (ia >= 0 && ib < 0) b(ia) += e.siemens * v[e.b];
    if (ib >= 0 && ia < 0) b(ib) += e.siemens * v[e.a];
  }
  const Eigen::VectorXd x = a.partialPivLu().solve(b);
  for (int i = 0; i < n; ++i)
    if (index[i] >= 0) v[i] = x(index[i]);
  return v;
}

}  // namespace

TEST_CASE("ideal solver: a divider gives the analytic output voltage", "[solver]") {
  const Network net = test::divider(1000.0, 3000.0, 2.0);
  const State s = solve_free(net);
  REQUIRE_THAT(s.node_volts[2], WithinRel(2.0 * 3000.0 / 4000.0, 1e-14));
  // The source delivers V / (R1 + R2) into its node; the floating output carries no source current.
  REQUIRE_THAT(s.source_amps[0], WithinRel(2.0 / 4000.0, 1e-14));
  REQUIRE(s.output_amps[0] == 0.0);
  REQUIRE_THAT(s.power_watts, WithinRel(4.0 / 4000.0, 1e-14));
}

TEST_CASE("ideal solver: series and parallel resistors combine analytically", "[solver]") {
  // in --R1-- a --(R2 || R3)-- out --R4-- gnd
  Network net = test::empty_network("series-parallel");
  const int in = test::add_node(net, "in"), a = test::add_node(net, "a"),
            out = test::add_node(net, "out");
  const double r1 = 100.0, r2 = 220.0, r3 = 470.0, r4 = 330.0, volts = 1.5;
  test::add_resistor(net, in, a, 1.0 / r1);
  test::add_resistor(net, a, out, 1.0 / r2);
  test::add_resistor(net, a, out, 1.0 / r3);
  test::add_resistor(net, out, 0, 1.0 / r4);
  net.inputs = {{in, volts}};
  net.outputs = {out};
  const double r23 = r2 * r3 / (r2 + r3), total = r1 + r23 + r4;
  const State s = solve_free(net);
  REQUIRE_THAT(s.node_volts[out], WithinRel(volts * r4 / total, 1e-14));
  REQUIRE_THAT(s.node_volts[a], WithinRel(volts * (r23 + r4) / total, 1e-14));
  REQUIRE_THAT(s.edge_amps[1] + s.edge_amps[2], WithinRel(volts / total, 1e-14));
  REQUIRE_THAT(s.edge_amps[1] / s.edge_amps[2], WithinRel(r3 / r2, 1e-14));
}

TEST_CASE("ideal solver: random networks match a dense solve and satisfy KCL", "[solver]") {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const Network net = test::random_network(seed, 30, 40, 3, 3);
    const State s = solve_free(net);
    const std::vector<double> ref = dense_free_volts(net);
    for (int v = 0; v < net.node_count(); ++v)
      REQUIRE_THAT(s.node_volts[v], WithinAbs(ref[v], 1e-13));
    REQUIRE(s.kcl_residual < 1e-12);
  }
}

TEST_CASE("ideal solver: a lattice satisfies KCL and the power equals the source power",
          "[solver]") {
  const Network net = test::lattice(7, 8, 8, 3, 3);
  const State s = solve_free(net);
  REQUIRE(s.kcl_residual < 1e-12);
  // Tellegen: what the sources deliver is what the edges dissipate.
  double delivered = 0.0;
  for (size_t i = 0; i < net.inputs.size(); ++i)
    delivered += net.inputs[i].volts * s.source_amps[i];
  REQUIRE_THAT(delivered, WithinRel(s.power_watts, 1e-12));
}

TEST_CASE(
    "ideal solver: crossbar outputs approach the wireless formula linearly in wire resistance",
    "[solver]") {
  const int rows = 8, cols = 6;
  const double load = 1e3;
  auto worst_error = [&](double wire_ohms) {
    const Network net = test::crossbar(3, rows, cols, wire_ohms, load);
    const State s = solve_free(net);
    // Rounding of node voltages alone leaves eps * g_wire * |V| amperes at a wire node, so the
    // relative floor grows with g_wire / g_device (1e7 here).
    CAPTURE(s.kcl_residual);
    REQUIRE(s.kcl_residual < 1e-9);
    double worst = 0.0;
    for (int j = 0; j < cols; ++j) {
      // Without wires each column is a summing node: V_j = sum_i k_ij V_i / (sum_i k_ij +
      // 1/R_load).
      double num = 0.0, den = 1.0 / load;
      for (int i = 0; i < rows; ++i) {
        const double k = net.edges[3 * (i * cols + j) + 1].siemens;
        num += k * net.inputs[i].volts;
        den += k;
      }
      worst = std::max(worst, std::abs(s.node_volts[net.outputs[j]] - num / den));
    }
    return worst;
  };
  const double e1 = worst_error(1e-1), e2 = worst_error(1e-2);
  REQUIRE(e2 < 1e-5);
  REQUIRE_THAT(e1 / e2, WithinRel(10.0, 0.01));
}

TEST_CASE("ideal solver: scaling every conductance leaves the free state unchanged", "[solver]") {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const Network net = test::random_network(seed, 25, 30, 2, 3);
    IdealSimulator sim;
    sim.load(net);
    const State base = sim.solve(Drive{});
    for (double c : {1e-3, 0.37, 12.5}) {
      sim.set_conductances(test::scaled(net.conductances(), c));
      const State s = sim.solve(Drive{});
      for (int v = 0; v < net.node_count(); ++v)
        REQUIRE_THAT(s.node_volts[v], WithinAbs(base.node_volts[v], 1e-14));
      REQUIRE_THAT(s.power_watts, WithinRel(c * base.power_watts, 1e-12));
    }
  }
}

TEST_CASE("ideal solver: new conductances take effect on the next solve", "[solver]") {
  // Guards the factorisation cache: a stale factorisation would return the old divider ratio.
  IdealSimulator sim;
  sim.load(test::divider(1000.0, 1000.0, 1.0));
  REQUIRE_THAT(sim.solve(Drive{}).node_volts[2], WithinRel(0.5, 1e-15));
  const std::vector<double> k = {1.0 / 3000.0, 1.0 / 1000.0};
  sim.set_conductances(k);
  REQUIRE_THAT(sim.solve(Drive{}).node_volts[2], WithinRel(0.25, 1e-14));
  Drive clamped;
  clamped.phase = Phase::Clamped;
  clamped.clamp_volts = {0.1};
  REQUIRE_THAT(sim.solve(clamped).output_amps[0], WithinRel(0.1 / 1000.0 - 0.9 / 3000.0, 1e-13));
  sim.set_conductances(std::vector<double>{1.0 / 1000.0, 1.0 / 1000.0});
  REQUIRE_THAT(sim.solve(clamped).output_amps[0], WithinRel(0.1 / 1000.0 - 0.9 / 1000.0, 1e-13));
}
