// The square lattice generator: counts with and without periodic wrap, ground, boundary choice.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "emulator/network/generators.hpp"
#include "emulator/network/load.hpp"
#include "tests/network/expect_error.hpp"

using namespace spiceloop;

TEST_CASE("lattice: an open W x H lattice has W H nodes and (W-1) H + W (H-1) edges") {
  LatticeOptions o;
  o.width = 5;
  o.height = 3;
  const Network net = make_lattice(o);
  CHECK(net.node_count() == 15);
  CHECK(net.edge_count() == 4 * 3 + 5 * 2);
  CHECK(net.node_names[0] == "n0_0");
  const Edge& h = net.edges[*net.find_edge("h3_2")];
  CHECK(net.node_names[h.a] == "n3_2");
  CHECK(net.node_names[h.b] == "n4_2");
  const Edge& v = net.edges[*net.find_edge("v4_1")];
  CHECK(net.node_names[v.a] == "n4_1");
  CHECK(net.node_names[v.b] == "n4_2");
}

TEST_CASE("lattice: a periodic 4 x 4 lattice has 32 edges and every node has degree 4") {
  LatticeOptions o;
  o.periodic = true;
  const Network net = make_lattice(o);
  CHECK(net.node_count() == 16);
  CHECK(net.edge_count() == 32);
  std::map<int, int> degree;
  std::set<std::pair<int, int>> pairs;
  for (const Edge& e : net.edges) {
    ++degree[e.a], ++degree[e.b];
    CHECK(pairs.insert({std::min(e.a, e.b), std::max(e.a, e.b)}).second);  // no parallel edges
  }
  for (const auto& [node, d] : degree) CHECK(d == 4);
  const Edge& wrap = net.edges[*net.find_edge("h3_1")];
  CHECK(net.node_names[wrap.b] == "n0_1");
}

TEST_CASE("lattice: the ground may be any lattice node and comes first") {
  LatticeOptions o;
  o.ground = "n2_3";
  const Network net = make_lattice(o);
  CHECK(net.node_names[0] == "n2_3");
  CHECK(net.node_names[1] == "n0_0");
}

TEST_CASE("lattice: drawn inputs and outputs are distinct, off the ground and repeat for a seed") {
  LatticeOptions o;
  o.width = 6;
  o.height = 6;
  o.input_count = 4;
  o.output_count = 3;
  o.seed = 9;
  const Network net = make_lattice(o);
  REQUIRE(net.inputs.size() == 4);
  REQUIRE(net.outputs.size() == 3);
  std::set<int> seen;
  for (const Input& in : net.inputs) CHECK(seen.insert(in.node).second);
  for (int node : net.outputs) CHECK(seen.insert(node).second);
  CHECK_FALSE(seen.count(0));
  CHECK(network_to_json(make_lattice(o)) == network_to_json(net));
}

TEST_CASE("lattice: listed inputs and outputs are used as given") {
  LatticeOptions o;
  o.input_nodes = std::vector<std::string>{"n1_1", "n3_2"};
  o.output_nodes = std::vector<std::string>{"n2_3"};
  const Network net = make_lattice(o);
  CHECK(net.node_names[net.inputs[0].node] == "n1_1");
  CHECK(net.node_names[net.inputs[1].node] == "n3_2");
  CHECK(net.node_names[net.outputs[0]] == "n2_3");
}

TEST_CASE("lattice: listed inputs with drawn outputs draw from the nodes left over") {
  LatticeOptions o;
  o.width = 2;
  o.height = 2;
  o.input_nodes = std::vector<std::string>{"n1_0", "n0_1"};
  o.output_count = 1;
  const Network net = make_lattice(o);
  CHECK(net.node_names[net.outputs[0]] == "n1_1");
}

TEST_CASE("lattice: bad options are refused with the spec key they come from") {
  LatticeOptions o;
  o.periodic = true;
  o.width = 2;
  expect_input_error([&] { make_lattice(o); }, "network.out_of_range", "/periodic");
  o = {};
  o.ground = "n9_9";
  expect_input_error([&] { make_lattice(o); }, "network.unknown_node", "/ground");
  o = {};
  o.input_nodes = std::vector<std::string>{"n0_0"};
  expect_input_error([&] { make_lattice(o); }, "network.input_on_ground", "/inputs/0");
  o = {};
  o.input_nodes = std::vector<std::string>{"n1_0", "n1_0"};
  expect_input_error([&] { make_lattice(o); }, "network.duplicate_input", "/inputs/1");
  o = {};
  o.input_nodes = std::vector<std::string>{"n1_0"};
  o.output_nodes = std::vector<std::string>{"n1_0"};
  expect_input_error([&] { make_lattice(o); }, "network.input_is_output", "/outputs/0");
  o = {};
  o.width = 1;
  o.height = 2;
  o.input_count = 1;
  o.output_count = 1;
  expect_input_error([&] { make_lattice(o); }, "network.out_of_range", "/inputs");
}
