// Generator specs in JSON: the same checks as network documents, and the same networks as code.
#include <catch2/catch.hpp>

#include "emulator/network/generators.hpp"
#include "emulator/network/load.hpp"
#include "tests/network/expect_error.hpp"

using namespace spiceloop;
using nlohmann::json;

TEST_CASE("generator spec: a crossbar spec gives the network the options give") {
  const json spec = json::parse(R"({"generator": "crossbar", "rows": 3, "columns": 2, "wire_ohms": 5,
    "load_ohms": 2000, "seed": 4, "input_volts": [0.5, 0.25, 0.125],
    "edge": {"siemens": {"min": 1e-5, "max": 1e-4}, "min_siemens": 1e-6, "max_siemens": 1e-3}})");
  CrossbarOptions o;
  o.rows = 3;
  o.columns = 2;
  o.wire_ohms = 5;
  o.load_ohms = 2000;
  o.seed = 4;
  o.input_volts = {0.5, 0.25, 0.125};
  o.cell.low = 1e-5;
  o.cell.high = 1e-4;
  o.cell.min_siemens = 1e-6;
  o.cell.max_siemens = 1e-3;
  CHECK(network_to_json(generate_network(spec)) == network_to_json(make_crossbar(o)));
}

TEST_CASE("generator spec: a range in ohms draws uniformly in resistance") {
  const json spec = json::parse(R"({"generator": "random", "nodes": 12, "edges": 30, "seed": 1,
    "edge": {"kind": "resistor", "ohms": {"min": 1000, "max": 100000}, "min_ohms": 1000, "max_ohms": 100000}})");
  const Network net = generate_network(spec);
  for (const Edge& e : net.edges) {
    CHECK(1.0 / e.siemens >= 1000 * (1 - 1e-15));
    CHECK(1.0 / e.siemens <= 100000 * (1 + 1e-15));
    CHECK(e.min_siemens == 1.0 / 100000);
    CHECK(e.max_siemens == 1.0 / 1000);
  }
}

TEST_CASE("generator spec: a digipot template with a code range") {
  const json spec = json::parse(R"({"generator": "lattice", "width": 3, "height": 3, "inputs": ["n1_1"],
    "outputs": ["n2_2"], "input_volts": 0.5,
    "edge": {"kind": "digipot", "taps": 100, "r_ab_ohms": 10000, "r_wiper_ohms": 40, "code": {"min": 5, "max": 9}}})");
  const Network net = generate_network(spec);
  CHECK(net.inputs[0].volts == 0.5);
  for (const Edge& e : net.edges) {
    CHECK(e.kind == ElementKind::Digipot);
    CHECK(e.taps == 100);
    CHECK(e.code >= 5);
    CHECK(e.code <= 9);
  }
}

TEST_CASE("generator spec: a network document naming a generator is expanded by the loader") {
  const json doc = json::parse(R"({"spiceloop": 1, "generator": "lattice", "periodic": true})");
  CHECK(parse_network(doc).edge_count() == 32);
}

TEST_CASE("generator spec: an unknown generator is refused with the closest name") {
  try {
    generate_network(json{{"generator", "crosbar"}});
    FAIL("accepted");
  } catch (const InputError& e) {
    CHECK(e.id() == "network.unknown_generator");
    CHECK(e.where() == "/generator");
    CHECK_THAT(e.message(), Catch::Matchers::Contains("did you mean \"crossbar\"?"));
  }
}

TEST_CASE("generator spec: bad keys and values are refused at their pointers") {
  const auto expect = [](const char* text, const std::string& id, const std::string& where) {
    INFO(text);
    expect_input_error([&] { generate_network(json::parse(text)); }, id, where);
  };
  expect(R"({"generator": "crossbar", "row": 3})", "network.unknown_key", "/row");
  expect(R"({"generator": "crossbar", "rows": "3"})", "network.wrong_type", "/rows");
  expect(R"({"generator": "crossbar", "rows": 3.5})", "network.wrong_type", "/rows");
  expect(R"({"generator": "crossbar", "rows": 1e12})", "network.wrong_type", "/rows");
  expect(R"({"generator": "crossbar", "rows": 10000000000})", "network.out_of_range", "/rows");
  expect(R"({"generator": "crossbar", "spiceloop": 3})", "network.unsupported_version", "/spiceloop");
  expect(R"({"generator": "crossbar", "seed": -1})", "network.out_of_range", "/seed");
  expect(R"({"generator": "crossbar", "input_volts": [1, 2]})", "network.count_mismatch", "/input_volts");
  expect(R"({"generator": "crossbar", "input_volts": [1, 2, "3", 4]})", "network.wrong_type", "/input_volts/2");
  expect(R"({"generator": "crossbar", "name": "my net"})", "network.bad_name", "/name");
  expect(R"({"generator": "crossbar", "edge": {"ohm": 5}})", "network.unknown_key", "/edge/ohm");
  expect(R"({"generator": "crossbar", "edge": {"ohms": {"min": 1, "max": 1e13}}})", "network.out_of_range",
         "/edge/ohms/max");
  expect(R"({"generator": "crossbar", "edge": {"ohms": {"min": 10, "mx": 100}}})", "network.unknown_key",
         "/edge/ohms/mx");
  expect(R"({"generator": "crossbar", "edge": {"ohms": {"min": 100, "max": 10}}})", "network.bounds_inverted",
         "/edge/ohms/min");
  expect(R"({"generator": "crossbar", "edge": {"ohms": {"min": 100, "max": 1000}, "min_ohms": 200}})",
         "network.outside_bounds", "/edge/ohms");
  expect(R"({"generator": "crossbar", "edge": {"kind": "diode"}})", "network.unknown_kind", "/edge/kind");
  expect(R"({"generator": "crossbar", "edge": {"trainable": false, "ohms": 5}})", "network.unknown_key",
         "/edge/trainable");
  expect(R"({"generator": "crossbar", "edge": {"kind": "digipot", "taps": 64, "r_ab_ohms": 1e4,
           "r_wiper_ohms": 50, "code": {"min": 0, "max": 64}}})", "network.out_of_range", "/edge/code");
  expect(R"({"generator": "random", "nodes": 2000000, "edges": 2000000})", "network.too_large", "/nodes");
  expect(R"({"generator": "lattice", "inputs": ["n0_0"]})", "network.input_on_ground", "/inputs/0");
  expect(R"({"generator": "lattice", "inputs": []})", "network.no_inputs", "/inputs");
}

TEST_CASE("generator spec: errors in an embedded spec carry the file and base pointer") {
  const json experiment = json::parse(R"({"network": {"spiceloop": 1, "generator": "crossbar", "rows": 0}})");
  expect_input_error([&] { parse_network(experiment["network"], "exp.json", "/network"); }, "network.out_of_range",
                     "exp.json#/network/rows");
}
