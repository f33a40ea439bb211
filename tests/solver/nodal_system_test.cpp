// The reduced nodal system: factorisation reuse and the meaning of injections and branch offsets.
#include <catch2/catch.hpp>

#include "emulator/solver/nodal_system.hpp"
#include "tests/common/networks.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinRel;

TEST_CASE("nodal system: solves at unchanged conductances reuse one factorisation", "[solver]") {
  const Network net = test::random_network(1, 30, 40, 2, 2);
  NodalSystem sys(net, held_nodes(net, false));
  const std::vector<double> k = net.conductances(), doubled = test::scaled(k, 2.0);
  sys.set_edge_siemens(k);
  std::vector<double> volts(net.node_count(), 0.0);
  for (int i = 0; i < 5; ++i) {
    volts[net.inputs[0].node] = 0.1 * i;
    sys.solve(volts);
  }
  REQUIRE(sys.factorization_count() == 1);
  sys.set_edge_siemens(doubled);
  sys.solve(volts);
  sys.solve(volts);
  REQUIRE(sys.factorization_count() == 2);
}

TEST_CASE("nodal system: an injection flows into its node and an offset flows from a to b",
          "[solver]") {
  // gnd --1 S-- x --1 S-- y --1 S-- gnd, nothing held but the ground.
  Network net = test::empty_network("chain");
  const int x = test::add_node(net, "x"), y = test::add_node(net, "y");
  test::add_resistor(net, 0, x, 1.0);
  const int xy = test::add_resistor(net, x, y, 1.0);
  test::add_resistor(net, y, 0, 1.0);
  NodalSystem sys(net, held_nodes(net, false));
  const std::vector<double> k = net.conductances();
  sys.set_edge_siemens(k);

  std::vector<double> inject(net.node_count(), 0.0), volts(net.node_count(), 0.0);
  inject[x] = 3.0;  // 3 A into x: 2 A to ground directly, 1 A through y
  sys.solve(volts, inject);
  REQUIRE_THAT(volts[x], WithinRel(2.0, 1e-15));
  REQUIRE_THAT(volts[y], WithinRel(1.0, 1e-15));

  // An offset of 3 A on edge x -> y is a current source pulling 3 A out of x and into y.
  std::vector<double> offset(net.edge_count(), 0.0);
  offset[xy] = 3.0;
  sys.solve(volts, {}, offset);
  REQUIRE_THAT(volts[x], WithinRel(-1.0, 1e-15));
  REQUIRE_THAT(volts[y], WithinRel(1.0, 1e-15));
}
