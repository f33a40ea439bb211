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

namespace {

// An unwired crossbar: inputs x columns, each column loaded to ground, edges in row-major order
// (`lead` held-to-held edges first: they stamp nothing, but shift the blocks of eight). With
// `diagonal_order`, the cells are listed diagonal by diagonal instead (input l to column l + s).
Network plain_crossbar(int n, int lead, bool diagonal_order) {
  std::mt19937_64 rng(7);
  Network net = test::empty_network("xbar");
  std::vector<int> in(n), col(n);
  for (int i = 0; i < n; ++i) in[i] = test::add_node(net, "in" + std::to_string(i));
  for (int j = 0; j < n; ++j) col[j] = test::add_node(net, "c" + std::to_string(j));
  for (int l = 0; l < lead; ++l) test::add_resistor(net, in[0], 0, 1e-3, false);
  for (int s = 0; s < n; ++s)
    for (int t = 0; t < n; ++t) {
      const int i = diagonal_order ? t : s, j = diagonal_order ? (t + s) % n : t;
      test::add_resistor(net, in[i], col[j], test::log_uniform(rng, 1e-5, 1e-4));
    }
  for (int j = 0; j < n; ++j) test::add_resistor(net, col[j], 0, 1e-3, false);
  for (int i = 0; i < n; ++i) net.inputs.push_back({in[i], test::uniform(rng, -1.0, 1.0)});
  net.outputs = {col[0]};
  return net;
}

std::vector<double> solve_three(const Network& net, std::size_t& runs) {
  NodalSystem sys(net, held_nodes(net, false));
  runs = sys.run_blocks();
  const std::vector<double> k = net.conductances();
  sys.set_edge_siemens(k);
  const std::size_t n = static_cast<std::size_t>(net.node_count());
  std::vector<double> volts(3 * n, 0.0);
  for (std::size_t c = 0; c < 3; ++c)
    for (const Input& in : net.inputs) volts[c * n + in.node] = in.volts * (1.0 + 0.5 * static_cast<double>(c));
  sys.solve_columns(volts, 3);
  return volts;
}

}  // namespace

TEST_CASE("nodal system: runs of coupling edges stamp exactly as edge by edge", "[solver]") {
  for (bool diagonal : {false, true}) {
    CAPTURE(diagonal);
    std::size_t runs = 0, none = 0;
    // Four leading edges put every block across two rows of the crossbar: no runs there.
    const std::vector<double> with_runs = solve_three(plain_crossbar(8, 0, diagonal), runs);
    const std::vector<double> without = solve_three(plain_crossbar(8, 4, diagonal), none);
    // Row-major: each row of cells is a run (one input, consecutive columns), and the loads; diagonal
    // order: the first diagonal (consecutive inputs to consecutive columns), and the loads.
    REQUIRE(runs == (diagonal ? 2u : 9u));
    REQUIRE(none == 0);
    REQUIRE(with_runs == without);
  }
}
