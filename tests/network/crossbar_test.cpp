// The crossbar generator: node and edge counts, names, wiring, initial values, determinism.
#include <catch2/catch.hpp>

#include "emulator/network/generators.hpp"
#include "emulator/network/load.hpp"
#include "tests/network/expect_error.hpp"

using namespace spiceloop;

TEST_CASE("crossbar: ideal lines give 1 + M + N nodes and M N cells plus N loads") {
  CrossbarOptions o;
  o.rows = 3;
  o.columns = 5;
  const Network net = make_crossbar(o);
  CHECK(net.node_count() == 1 + 3 + 5);
  CHECK(net.edge_count() == 3 * 5 + 5);
  REQUIRE(net.inputs.size() == 3);
  REQUIRE(net.outputs.size() == 5);
  CHECK(net.node_names[net.inputs[2].node] == "r2");
  CHECK(net.node_names[net.outputs[4]] == "c4");
  const Edge& cell = net.edges[*net.find_edge("x1_3")];
  CHECK(net.node_names[cell.a] == "r1");
  CHECK(net.node_names[cell.b] == "c3");
  CHECK(cell.trainable);
  const Edge& load = net.edges[*net.find_edge("load2")];
  CHECK_FALSE(load.trainable);
  CHECK(load.siemens == 1.0 / 1000);
  CHECK(net.node_names[load.a] == "c2");
  CHECK(load.b == 0);
}

TEST_CASE("crossbar: wire resistance makes the 2 M N node mesh with 3 M N - M edges") {
  CrossbarOptions o;
  o.rows = 3;
  o.columns = 5;
  o.wire_ohms = 2.0;
  const Network net = make_crossbar(o);
  CHECK(net.node_count() == 1 + 2 * 3 * 5);
  CHECK(net.edge_count() == 3 * 3 * 5 - 3);  // 15 cells + 5 loads + 3*4 row wires + 2*5 column wires
  int wires = 0;
  for (const Edge& e : net.edges)
    if (e.name[0] == 'w') {
      ++wires;
      CHECK(e.siemens == 0.5);
      CHECK_FALSE(e.trainable);
    }
  CHECK(wires == 3 * 4 + 2 * 5);
  // Sources drive the near end of each row line, loads hang at the far end of each column line.
  CHECK(net.node_names[net.inputs[1].node] == "r1_0");
  CHECK(net.node_names[net.outputs[3]] == "c2_3");
  const Edge& cell = net.edges[*net.find_edge("x2_1")];
  CHECK(net.node_names[cell.a] == "r2_1");
  CHECK(net.node_names[cell.b] == "c2_1");
  const Edge& row_wire = net.edges[*net.find_edge("wr0_3")];
  CHECK(net.node_names[row_wire.a] == "r0_3");
  CHECK(net.node_names[row_wire.b] == "r0_4");
  const Edge& column_wire = net.edges[*net.find_edge("wc1_4")];
  CHECK(net.node_names[column_wire.a] == "c1_4");
  CHECK(net.node_names[column_wire.b] == "c2_4");
}

TEST_CASE("crossbar: a single cell with wires has no wire segments") {
  CrossbarOptions o;
  o.rows = 1;
  o.columns = 1;
  o.wire_ohms = 1.0;
  const Network net = make_crossbar(o);
  CHECK(net.node_count() == 3);
  CHECK(net.edge_count() == 2);
}

TEST_CASE("crossbar: input volts alternate +1 and -1 unless given") {
  CrossbarOptions o;
  o.rows = 3;
  Network net = make_crossbar(o);
  CHECK(net.inputs[0].volts == 1.0);
  CHECK(net.inputs[1].volts == -1.0);
  CHECK(net.inputs[2].volts == 1.0);
  o.input_volts = {0.1, 0.2, 0.3};
  net = make_crossbar(o);
  CHECK(net.inputs[2].volts == 0.3);
}

TEST_CASE("crossbar: random initial conductances lie in the range and repeat for a seed") {
  CrossbarOptions o;
  o.rows = 6;
  o.columns = 7;
  o.cell.low = 1e-5;
  o.cell.high = 2e-5;
  o.seed = 42;
  const Network a = make_crossbar(o), b = make_crossbar(o);
  CHECK(network_to_json(a) == network_to_json(b));
  bool varied = false;
  for (int j = 0; j < 6 * 7; ++j) {
    CHECK(a.edges[j].siemens >= 1e-5);
    CHECK(a.edges[j].siemens <= 2e-5);
    varied = varied || a.edges[j].siemens != a.edges[0].siemens;
  }
  CHECK(varied);
  o.seed = 43;
  CHECK(network_to_json(make_crossbar(o)) != network_to_json(a));
}

TEST_CASE("crossbar: digipot cells draw integer codes in their range") {
  CrossbarOptions o;
  o.cell.kind = ElementKind::Digipot;
  o.cell.code_low = 10;
  o.cell.code_high = 12;
  const Network net = make_crossbar(o);
  for (int j = 0; j < 16; ++j) {
    CHECK(net.edges[j].kind == ElementKind::Digipot);
    CHECK(net.edges[j].code >= 10);
    CHECK(net.edges[j].code <= 12);
  }
}

TEST_CASE("crossbar: bad options are refused with the spec key they come from") {
  CrossbarOptions o;
  o.rows = 0;
  expect_input_error([&] { make_crossbar(o); }, "network.out_of_range", "/rows");
  o = {};
  o.load_ohms = 0;
  expect_input_error([&] { make_crossbar(o); }, "network.not_positive", "/load_ohms");
  o = {};
  o.wire_ohms = -1;
  expect_input_error([&] { make_crossbar(o); }, "network.not_positive", "/wire_ohms");
  o = {};
  o.input_volts = {1.0};
  expect_input_error([&] { make_crossbar(o); }, "network.count_mismatch", "/input_volts");
  o = {};
  o.rows = 1000;
  o.columns = 1000;
  o.wire_ohms = 1;
  expect_input_error([&] { make_crossbar(o); }, "network.too_large", "/rows");
  o = {};
  o.cell.low = 2.0;
  o.cell.high = 2.0;
  expect_input_error([&] { make_crossbar(o); }, "network.outside_bounds", "/edge/siemens");
}
