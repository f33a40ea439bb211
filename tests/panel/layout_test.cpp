#include <catch2/catch.hpp>
#include <set>

#include "drivers/panel/graph.hpp"
#include "drivers/panel/layout.hpp"
#include "emulator/network/generators.hpp"
#include "emulator/network/load.hpp"
#include "tests/common/paths.hpp"

using namespace spiceloop;
using panel::layout_network;

TEST_CASE("panel layout: a lattice is drawn on its grid", "[panel]") {
  LatticeOptions o;
  o.width = 4, o.height = 3;
  const Network net = make_lattice(o);
  const auto l = layout_network(net);
  CHECK(l.kind == "lattice");
  for (int v = 0; v < net.node_count(); ++v) {
    // Appended, not "n" + ...: GCC 12 warns falsely on that form (-Wrestrict, GCC bug 105329).
    std::string expected = "n";
    expected += std::to_string(int(l.nodes[v].x));
    expected += "_";
    expected += std::to_string(int(l.nodes[v].y));
    CHECK(net.node_names[v] == expected);
  }
}

TEST_CASE("panel layout: a crossbar's cells sit where their row and column cross", "[panel]") {
  CrossbarOptions o;
  o.rows = 3, o.columns = 5;
  const Network net = make_crossbar(o);
  const auto l = layout_network(net);
  CHECK(l.kind == "crossbar");
  const int x = *net.find_edge("x2_4");
  REQUIRE(l.cells[x]);
  CHECK(l.cells[x]->x == 4);
  CHECK(l.cells[x]->y == 2);
  CHECK_FALSE(l.cells[*net.find_edge("load0")]);

  o.wire_ohms = 1.0;
  const Network wired = make_crossbar(o);
  const auto w = layout_network(wired);
  CHECK(w.kind == "crossbar");
  std::set<std::pair<double, double>> places;
  for (const auto& p : w.nodes) places.insert({p.x, p.y});
  CHECK(places.size() == w.nodes.size());  // no two nodes on one spot
}

TEST_CASE("panel layout: any other network in columns from the inputs to the outputs, the same every time", "[panel]") {
  const Network net = load_network_file(spiceloop::test::bundled("lab16.json"));
  const auto a = layout_network(net), b = layout_network(net);
  CHECK(a.kind == "layers");
  for (int v = 0; v < net.node_count(); ++v) {
    CHECK(a.nodes[v].x == b.nodes[v].x);
    CHECK(a.nodes[v].y == b.nodes[v].y);
  }
  double last = 0;
  for (int v = 1; v < net.node_count(); ++v) last = std::max(last, a.nodes[v].x);
  for (const Input& in : net.inputs) CHECK(a.nodes[in.node].x == 0);
  for (int o : net.outputs) CHECK(a.nodes[o].x == last);
  const auto g = panel::graph_json(net);
  CHECK(g["edges"].size() == net.edges.size());
  CHECK(g["nodes"][0]["role"] == "ground");
}
