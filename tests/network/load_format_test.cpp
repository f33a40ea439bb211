// What the loader makes of valid documents: node order, units, defaults.
#include <catch2/catch.hpp>

#include "emulator/network/load.hpp"
#include "emulator/network/validate.hpp"
#include "tests/network/expect_error.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinRel;

TEST_CASE("network loader: a valid document loads with the ground as node 0 and nodes in listed order") {
  const Network net = parse_network(small_network());
  CHECK(net.name == "small");
  REQUIRE(net.node_names == std::vector<std::string>{"gnd", "in", "out", "mid"});
  REQUIRE(net.edge_count() == 4);
  REQUIRE(net.inputs.size() == 1);
  CHECK(net.inputs[0].node == 1);
  CHECK(net.inputs[0].volts == 1.0);
  CHECK(net.outputs == std::vector<int>{2});
  CHECK(net.edges[0].a == 1);
  CHECK(net.edges[0].b == 2);
}

TEST_CASE("network loader: the ground may be listed anywhere in nodes or not at all") {
  auto j = small_network();
  j["nodes"] = {"in", "out", "gnd", "mid"};
  Network net = parse_network(j);
  CHECK(net.node_names == std::vector<std::string>{"gnd", "in", "out", "mid"});
  j["nodes"] = {"in", "out", "mid"};
  net = parse_network(j);
  CHECK(net.node_names == std::vector<std::string>{"gnd", "in", "out", "mid"});
  CHECK(net.edges[1].b == 0);
}

TEST_CASE("network loader: the ground defaults to gnd and may be renamed") {
  auto j = small_network();
  j.erase("ground");
  CHECK(parse_network(j).node_names[0] == "gnd");
  j = small_network();
  j["ground"] = "earth";
  j["nodes"] = {"earth", "in", "out", "mid"};
  j["edges"][1]["b"] = "earth";
  j["edges"][3]["b"] = "earth";
  CHECK(parse_network(j).node_names[0] == "earth");
}

TEST_CASE("network loader: a resistance in ohms becomes a conductance, bounds in ohms swap ends") {
  const Edge e = parse_network(small_network()).edges[0];
  CHECK(e.kind == ElementKind::Resistor);
  CHECK(e.trainable);
  CHECK(e.siemens == 1.0 / 1000);
  CHECK(e.min_siemens == 1.0 / 1e6);  // from max_ohms
  CHECK(e.max_siemens == 1.0 / 100);  // from min_ohms
}

TEST_CASE("network loader: a fixed resistor is not trainable and its bounds are its value") {
  const Edge e = parse_network(small_network()).edges[1];
  CHECK_FALSE(e.trainable);
  CHECK(e.siemens == 1e-3);
  CHECK(e.min_siemens == 1e-3);
  CHECK(e.max_siemens == 1e-3);
}

TEST_CASE("network loader: a trainable resistor without bounds gets the default bounds") {
  auto j = small_network();
  j["edges"][0].erase("min_ohms");
  j["edges"][0].erase("max_ohms");
  const Edge e = parse_network(j).edges[0];
  CHECK(e.min_siemens == network_limits::kDefaultMinSiemens);
  CHECK(e.max_siemens == network_limits::kDefaultMaxSiemens);
}

TEST_CASE("network loader: a digipot's conductance follows its code and its bounds its end codes") {
  const Edge e = parse_network(small_network()).edges[2];
  CHECK(e.kind == ElementKind::Digipot);
  CHECK(e.taps == 128);
  CHECK(e.code == 64);
  CHECK_THAT(1.0 / e.siemens, WithinRel(10000.0 * 64 / 128 + 50, 1e-15));
  CHECK(e.siemens == digipot_siemens(e, 64));
  CHECK(e.min_siemens == digipot_siemens(e, 127));
  CHECK(e.max_siemens == digipot_siemens(e, 0));
}

TEST_CASE("network loader: a digipot without a code starts at mid-scale, like the AD5220") {
  auto j = small_network();
  j["edges"][2].erase("code");
  CHECK(parse_network(j).edges[2].code == 64);
}

TEST_CASE("network loader: a diode is fixed, anode a and cathode b, with SPICE defaults") {
  auto j = small_network();
  j["edges"][3].erase("is_amps");
  j["edges"][3].erase("emission");
  const Edge e = parse_network(j).edges[3];
  CHECK(e.kind == ElementKind::Diode);
  CHECK_FALSE(e.trainable);
  CHECK(e.a == 3);
  CHECK(e.b == 0);
  CHECK(e.is_amps == 1e-14);
  CHECK(e.emission == 1.0);
}

TEST_CASE("network loader: outputs may be absent, and input volts default to 0") {
  auto j = small_network();
  j.erase("outputs");
  j["inputs"][0].erase("volts");
  const Network net = parse_network(j);
  CHECK(net.outputs.empty());
  CHECK(net.inputs[0].volts == 0.0);
}

TEST_CASE("network loader: the same text loads from text and from a parsed document") {
  const std::string text = small_network().dump();
  CHECK(network_to_json(parse_network_text(text)) == network_to_json(parse_network(small_network())));
}

TEST_CASE("network loader: a network embedded in a larger file reports locations inside that file") {
  nlohmann::json experiment = {{"network", small_network()}};
  experiment["network"]["edges"][0]["ohms"] = 0;
  expect_input_error([&] { parse_network(experiment["network"], "exp.json", "/network"); },
                     "network.not_positive", "exp.json#/network/edges/0/ohms");
}
