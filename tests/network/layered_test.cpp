// The layered generator (Kendall et al. 2020, EBANA): +/- input pairs, dense trainable layers,
// bias nodes, diode pairs at the hidden nodes; counts, names, wiring, determinism, bad specs.
#include <catch2/catch.hpp>

#include "emulator/network/generators.hpp"
#include "emulator/network/load.hpp"
#include "tests/network/expect_error.hpp"

using namespace spiceloop;
using nlohmann::json;

namespace {

const Edge& edge(const Network& net, const std::string& name) {
  const auto j = net.find_edge(name);
  REQUIRE(j);
  return net.edges[*j];
}

std::string node_name(const Network& net, int node) { return net.node_names[node]; }

}  // namespace

TEST_CASE("layered: layers 4, 8, 3 give pairs, dense layers, biases and a diode pair per hidden node") {
  LayeredOptions o;
  o.layers = {4, 8, 3};
  const Network net = make_layered(o);
  // gnd, 8 pair nodes, 2 bias nodes, 8 hidden, 3 outputs (diodes to ground need no rail node).
  CHECK(net.node_count() == 1 + 8 + 2 + 8 + 3);
  // 8 x 8 + 8 x 3 weights, 2 x (8 + 3) biases, 2 x 8 diodes.
  CHECK(net.edge_count() == 64 + 24 + 22 + 16);
  REQUIRE(net.inputs.size() == 10);
  CHECK(node_name(net, net.inputs[0].node) == "x0p");
  CHECK(net.inputs[0].volts == 1.0);
  CHECK(node_name(net, net.inputs[1].node) == "x0n");
  CHECK(net.inputs[1].volts == -1.0);
  CHECK(node_name(net, net.inputs[7].node) == "x3n");
  CHECK(node_name(net, net.inputs[8].node) == "b0");
  CHECK(net.inputs[8].volts == 1.0);
  CHECK(net.inputs[9].volts == -1.0);
  REQUIRE(net.outputs.size() == 3);
  CHECK(node_name(net, net.outputs[2]) == "o2");

  const Edge& w = edge(net, "w0_3_5");  // pair node 3 (x1n) to hidden node 5
  CHECK(node_name(net, w.a) == "x1n");
  CHECK(node_name(net, w.b) == "h1_5");
  CHECK(w.trainable);
  CHECK(node_name(net, edge(net, "w1_7_2").a) == "h1_7");
  CHECK(node_name(net, edge(net, "w1_7_2").b) == "o2");
  const Edge& b = edge(net, "b1_o0");
  CHECK(node_name(net, b.a) == "o0");
  CHECK(node_name(net, b.b) == "b1");
  CHECK(b.trainable);
  const Edge& up = edge(net, "du_h1_4");
  const Edge& down = edge(net, "dd_h1_4");
  CHECK(up.kind == ElementKind::Diode);
  CHECK(node_name(net, up.a) == "h1_4");
  CHECK(up.b == 0);
  CHECK(down.a == 0);
  CHECK(node_name(net, down.b) == "h1_4");
  CHECK_FALSE(net.find_edge("du_o0"));  // outputs stay linear by default
}

TEST_CASE("layered: two hidden layers, rails off ground, diodes at the outputs too") {
  LayeredOptions o;
  o.layers = {2, 3, 4, 2};
  o.bias_volts = {0.5, 0.0};
  o.input_volts = {0.25, -2.0};
  o.rail_low_volts = -0.5;
  o.rail_high_volts = 0.75;
  o.diodes = LayeredOptions::Diodes::All;
  o.diode_is_amps = 1e-12;
  o.diode_emission = 1.5;
  const Network net = make_layered(o);
  CHECK(net.node_count() == 1 + 4 + 1 + 2 + 3 + 4 + 2);  // the 0 V bias is the ground
  CHECK(net.edge_count() == 4 * 3 + 3 * 4 + 4 * 2 + 2 * (3 + 4 + 2) + 2 * (3 + 4 + 2));
  CHECK(edge(net, "b1_h1_2").b == 0);
  CHECK(net.inputs[2].volts == -2.0);
  CHECK(net.inputs[3].volts == 2.0);
  CHECK(node_name(net, net.inputs[5].node) == "rail_lo");
  CHECK(net.inputs[5].volts == -0.5);
  CHECK(node_name(net, net.inputs[6].node) == "rail_hi");
  const Edge& up = edge(net, "du_h2_3");
  CHECK(node_name(net, up.b) == "rail_hi");
  CHECK(up.is_amps == 1e-12);
  CHECK(up.emission == 1.5);
  CHECK(node_name(net, edge(net, "dd_o1").a) == "rail_lo");
  CHECK(node_name(net, edge(net, "w2_3_1").a) == "h2_3");
}

TEST_CASE("layered: one rail off ground is one shared rail node; no diodes make a linear network") {
  LayeredOptions o;
  o.rail_low_volts = o.rail_high_volts = 0.3;
  o.bias_volts = {1.0, 0.0, -1.0};
  const Network net = make_layered(o);
  CHECK(node_name(net, edge(net, "du_h1_0").b) == "rail");
  CHECK(edge(net, "dd_h1_0").a == edge(net, "du_h1_0").b);
  o.diodes = LayeredOptions::Diodes::None;
  const Network linear = make_layered(o);
  CHECK(linear.is_linear());
  CHECK_FALSE(linear.find_node("rail"));
}

TEST_CASE("layered: the same seed gives the same network, another seed another") {
  const json spec = json::parse(R"({"generator": "layered", "layers": [3, 5, 2], "seed": 9,
    "edge": {"siemens": {"min": 1e-5, "max": 1e-4}}})");
  const std::string first = network_to_text(generate_network(spec));
  CHECK(network_to_text(generate_network(spec)) == first);
  json other = spec;
  other["seed"] = 10;
  CHECK(network_to_text(generate_network(other)) != first);
  for (const Edge& e : generate_network(spec).edges)
    if (e.trainable) {
      CHECK(e.siemens >= 1e-5);
      CHECK(e.siemens <= 1e-4);
    }
}

TEST_CASE("layered: a spec gives the network the options give") {
  const json spec = json::parse(R"({"generator": "layered", "name": "net", "layers": [2, 3, 1], "seed": 4,
    "input_volts": 0.5, "bias_volts": [2, 0], "diodes": "all", "diode_rails_volts": [-0.25, 0.25],
    "diode": {"is_amps": 1e-13, "emission": 2}, "edge": {"siemens": {"min": 1e-6, "max": 1e-5}}})");
  LayeredOptions o;
  o.name = "net";
  o.layers = {2, 3, 1};
  o.seed = 4;
  o.input_volts = {0.5, 0.5};
  o.bias_volts = {2.0, 0.0};
  o.diodes = LayeredOptions::Diodes::All;
  o.rail_low_volts = -0.25;
  o.rail_high_volts = 0.25;
  o.diode_is_amps = 1e-13;
  o.diode_emission = 2.0;
  o.edge.low = 1e-6;
  o.edge.high = 1e-5;
  CHECK(network_to_json(generate_network(spec)) == network_to_json(make_layered(o)));
}

TEST_CASE("layered: bad specs are refused at their pointers") {
  const auto expect = [](const char* text, const std::string& id, const std::string& where) {
    INFO(text);
    expect_input_error([&] { generate_network(json::parse(text)); }, id, where);
  };
  expect(R"({"generator": "layered", "layer": [2, 1]})", "network.unknown_key", "/layer");
  expect(R"({"generator": "layered", "gain": 10})", "network.unknown_key", "/gain");
  expect(R"({"generator": "layered", "layers": "4,8,3"})", "network.wrong_type", "/layers");
  expect(R"({"generator": "layered", "layers": [4]})", "network.out_of_range", "/layers");
  expect(R"({"generator": "layered", "layers": [4, 0, 3]})", "network.out_of_range", "/layers/1");
  expect(R"({"generator": "layered", "layers": [4, -2, 3]})", "network.out_of_range", "/layers/1");
  expect(R"({"generator": "layered", "layers": [4, 2.5, 3]})", "network.wrong_type", "/layers/1");
  expect(R"({"generator": "layered", "layers": [1000, 1000, 1000]})", "network.too_large", "/layers");
  expect(R"({"generator": "layered", "layers": [2, 2, 1], "input_volts": [1, 2, 3]})", "network.count_mismatch",
         "/input_volts");
  expect(R"({"generator": "layered", "input_volts": [1, 2000]})", "network.out_of_range", "/input_volts/1");
  expect(R"({"generator": "layered", "bias_volts": [1, "x"]})", "network.wrong_type", "/bias_volts/1");
  expect(R"({"generator": "layered", "diodes": "hiden"})", "network.invalid", "/diodes");
  expect(R"({"generator": "layered", "diode_rails_volts": [1, 0]})", "network.bounds_inverted",
         "/diode_rails_volts");
  expect(R"({"generator": "layered", "diode_rails_volts": [0, 1, 2]})", "network.count_mismatch",
         "/diode_rails_volts");
  expect(R"({"generator": "layered", "diode": {"is_amps": 1}})", "network.out_of_range", "/diode/is_amps");
  expect(R"({"generator": "layered", "diode": {"emision": 1}})", "network.unknown_key", "/diode/emision");
  expect(R"({"generator": "layered", "diodes": "none"})", "network.floating_node", "/bias_volts");
  expect(R"({"generator": "layered", "diode_rails_volts": [-1, 1]})", "network.floating_node", "/bias_volts");
  expect(R"({"generator": "layered", "edge": {"kind": "diode"}})", "network.unknown_kind", "/edge/kind");
}

TEST_CASE("layered: an unknown key is answered with the closest known one") {
  try {
    generate_network(json::parse(R"({"generator": "layered", "bias_volt": 1})"));
    FAIL("accepted");
  } catch (const InputError& e) {
    CHECK(e.id() == "network.unknown_key");
    CHECK_THAT(e.message(), Catch::Matchers::Contains("did you mean \"bias_volts\"?"));
  }
}
