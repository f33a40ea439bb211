// Transistor edges in the network JSON: the lab's defaults, the gate voltage as the learned value,
// and each bad value refused at its JSON pointer naming what to change (issue 11).
#include <catch2/catch.hpp>

#include "emulator/network/generators.hpp"
#include "emulator/network/load.hpp"
#include "tests/common/network_checks.hpp"
#include "tests/network/expect_error.hpp"

using namespace spiceloop;
using nlohmann::json;

namespace {

json transistor_network() {
  return json::parse(R"({
    "spiceloop": 1, "name": "t1",
    "nodes": ["in", "out"],
    "inputs": [{"node": "in", "volts": 0.45}],
    "outputs": ["out"],
    "edges": [
      {"name": "T1", "a": "in", "b": "out", "kind": "transistor", "gate_volts": 5.0, "trainable": true},
      {"name": "T2", "a": "out", "b": "gnd", "kind": "transistor", "gate_volts": 3.0,
       "k_amps_per_volt2": 5.2e-4, "threshold_volts": 0.7, "lambda_per_volt": 0.0,
       "min_gate_volts": 1.0, "max_gate_volts": 6.0}
    ]})");
}

template <class Change>
void expect_rejected(Change change, const std::string& id, const std::string& where) {
  json j = transistor_network();
  change(j);
  expect_input_error([&] { parse_network(j); }, id, where);
}

}  // namespace

TEST_CASE("transistor edges: omitted model values take the lab's defaults", "[network][transistor]") {
  const Network net = parse_network(transistor_network());
  const Edge& t = net.edges[0];
  CHECK(t.kind == ElementKind::Transistor);
  CHECK(t.trainable);
  CHECK(t.gate_volts == 5.0);
  CHECK(t.k_amps_per_volt2 == 8.5e-4);
  CHECK(t.threshold_volts == 0.62);
  CHECK(t.lambda_per_volt == 0.02);
  CHECK(t.min_gate_volts == 0.75);
  CHECK(t.max_gate_volts == 8.0);
  CHECK(net.edges[1].k_amps_per_volt2 == 5.2e-4);
  CHECK(net.edges[1].max_gate_volts == 6.0);
}

TEST_CASE("transistor edges: the gate voltage is the edge's value in the per-edge value vector",
          "[network][transistor]") {
  Network net = parse_network(transistor_network());
  CHECK(net.conductances() == std::vector<double>{5.0, 3.0});
  net.set_conductances({4.25, 2.5});
  CHECK(net.edges[0].gate_volts == 4.25);
  CHECK(net.edges[1].gate_volts == 2.5);
  CHECK(net.edges[0].siemens == 0.0);
}

TEST_CASE("transistor edges: a network written out and read back keeps every transistor field",
          "[network][transistor]") {
  const Network net = parse_network(transistor_network());
  test::require_same_network(net, parse_network_text(network_to_text(net)));
}

TEST_CASE("transistor edges: a transistor without a gate voltage is refused at its edge", "[network][transistor]") {
  expect_rejected([](json& j) { j["edges"][1].erase("gate_volts"); }, "network.missing_key", "/edges/1/gate_volts");
}

TEST_CASE("transistor edges: a gate voltage outside its bounds is refused", "[network][transistor]") {
  expect_rejected([](json& j) { j["edges"][0]["gate_volts"] = 9.0; }, "network.outside_bounds", "/edges/0/gate_volts");
  expect_rejected([](json& j) { j["edges"][1]["gate_volts"] = 0.5; }, "network.outside_bounds", "/edges/1/gate_volts");
  expect_rejected([](json& j) { j["edges"][1]["min_gate_volts"] = 7.0; }, "network.bounds_inverted",
                  "/edges/1/min_gate_volts");
}

TEST_CASE("transistor edges: a negative or zero K is refused naming the key", "[network][transistor]") {
  expect_rejected([](json& j) { j["edges"][1]["k_amps_per_volt2"] = -8.5e-4; }, "network.not_positive",
                  "/edges/1/k_amps_per_volt2");
  expect_rejected([](json& j) { j["edges"][0]["k_amps_per_volt2"] = 0.0; }, "network.not_positive",
                  "/edges/0/k_amps_per_volt2");
}

TEST_CASE("transistor edges: lambda and threshold outside their ranges, and keys of other kinds, are refused",
          "[network][transistor]") {
  expect_rejected([](json& j) { j["edges"][1]["lambda_per_volt"] = -0.1; }, "network.out_of_range",
                  "/edges/1/lambda_per_volt");
  expect_rejected([](json& j) { j["edges"][1]["threshold_volts"] = 50.0; }, "network.out_of_range",
                  "/edges/1/threshold_volts");
  expect_rejected([](json& j) { j["edges"][0]["ohms"] = 100.0; }, "network.unknown_key", "/edges/0/ohms");
}

TEST_CASE("transistor edges: a misspelt transistor key is told the closest one", "[network][transistor]") {
  json j = transistor_network();
  j["edges"][0]["gate_volt"] = 5.0;
  try {
    parse_network(j);
    FAIL("accepted");
  } catch (const InputError& e) {
    CHECK(e.id() == "network.unknown_key");
    CHECK(e.where() == "/edges/0/gate_volt");
    CHECK_THAT(e.message(), Catch::Matchers::Contains("did you mean \"gate_volts\"?"));
  }
}

TEST_CASE("transistor edges: the lattice generator makes a periodic transistor lattice with gates in range",
          "[network][transistor][generator]") {
  const Network net = parse_network(json::parse(R"({
    "spiceloop": 1, "generator": "lattice", "width": 4, "height": 4, "periodic": true,
    "inputs": 2, "outputs": 1, "seed": 3,
    "edge": {"kind": "transistor", "gate_volts": {"min": 4.5, "max": 5.5}, "lambda_per_volt": 0.01}})"));
  CHECK(net.node_count() == 16);
  REQUIRE(net.edge_count() == 32);
  for (const Edge& e : net.edges) {
    CHECK(e.kind == ElementKind::Transistor);
    CHECK(e.trainable);
    CHECK(e.gate_volts >= 4.5);
    CHECK(e.gate_volts <= 5.5);
    CHECK(e.lambda_per_volt == 0.01);
    CHECK(e.k_amps_per_volt2 == 8.5e-4);
  }
  expect_input_error(
      [] {
        parse_network(json::parse(R"({"spiceloop": 1, "generator": "lattice",
          "edge": {"kind": "transistor", "gate_volts": {"min": 4.5, "max": 9.5}}})"));
      },
      "network.outside_bounds", "/edge/gate_volts");
}
