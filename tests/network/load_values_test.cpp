// Bad keys, types and values in a network document: each is refused with its id and JSON pointer,
// before anything could reach ngspice (which turns R = 0 into 1 mOhm and 1e400 into an open).
#include <catch2/catch.hpp>

#include "emulator/network/generators.hpp"
#include "emulator/network/load.hpp"
#include "tests/network/expect_error.hpp"

using namespace spiceloop;
using nlohmann::json;

namespace {
// Parses small_network() after one change.
template <class Change>
void expect_rejected(Change change, const std::string& id, const std::string& where) {
  json j = small_network();
  change(j);
  expect_input_error([&] { parse_network(j); }, id, where);
}
}  // namespace

TEST_CASE("network loader: a document without the version key is rejected") {
  expect_rejected([](json& j) { j.erase("spiceloop"); }, "network.missing_version", "/spiceloop");
}

TEST_CASE("network loader: a generator spec needs no version key, as generators.hpp documents") {
  const json spec = json::parse(R"({"generator":"lattice","width":3,"height":3,"seed":3})");
  CHECK(parse_network(spec).edges.size() == generate_network(spec).edges.size());
  json versioned = spec;
  versioned["spiceloop"] = 2;
  expect_input_error([&] { parse_network(versioned); }, "network.unsupported_version", "/spiceloop");
}

TEST_CASE("network loader: an unknown format version is rejected") {
  expect_rejected([](json& j) { j["spiceloop"] = 2; }, "network.unsupported_version", "/spiceloop");
  expect_rejected([](json& j) { j["spiceloop"] = "1"; }, "network.unsupported_version", "/spiceloop");
}

TEST_CASE("network loader: a document that is not an object is rejected") {
  expect_input_error([] { parse_network(json::array()); }, "network.wrong_type", "");
  expect_input_error([] { parse_network(json::array(), "net.json"); }, "network.wrong_type", "net.json#");
}

TEST_CASE("network loader: a misspelt top-level key is rejected with the closest known key") {
  json j = small_network();
  j["edgs"] = j["edges"];
  try {
    parse_network(j);
    FAIL("accepted");
  } catch (const InputError& e) {
    CHECK(e.id() == "network.unknown_key");
    CHECK(e.where() == "/edgs");
    CHECK_THAT(e.message(), Catch::Matchers::Contains("did you mean \"edges\"?"));
  }
}

TEST_CASE("network loader: a misspelt edge key is rejected with the closest known key") {
  json j = small_network();
  j["edges"][0]["trainabel"] = true;
  try {
    parse_network(j);
    FAIL("accepted");
  } catch (const InputError& e) {
    CHECK(e.id() == "network.unknown_key");
    CHECK(e.where() == "/edges/0/trainabel");
    CHECK_THAT(e.message(), Catch::Matchers::Contains("did you mean \"trainable\"?"));
  }
}

TEST_CASE("network loader: a key of another element kind is rejected") {
  expect_rejected([](json& j) { j["edges"][2]["ohms"] = 100; }, "network.unknown_key", "/edges/2/ohms");
  expect_rejected([](json& j) { j["edges"][3]["siemens"] = 1e-3; }, "network.unknown_key", "/edges/3/siemens");
}

TEST_CASE("network loader: unknown keys in inputs are rejected") {
  expect_rejected([](json& j) { j["inputs"][0]["volt"] = 1; }, "network.unknown_key", "/inputs/0/volt");
}

TEST_CASE("network loader: missing fields are reported where they belong") {
  expect_rejected([](json& j) { j.erase("nodes"); }, "network.missing_key", "/nodes");
  expect_rejected([](json& j) { j.erase("edges"); }, "network.missing_key", "/edges");
  expect_rejected([](json& j) { j.erase("inputs"); }, "network.missing_key", "/inputs");
  expect_rejected([](json& j) { j["edges"][0].erase("a"); }, "network.missing_key", "/edges/0/a");
  expect_rejected([](json& j) { j["edges"][0].erase("name"); }, "network.missing_key", "/edges/0/name");
  expect_rejected([](json& j) { j["edges"][0].erase("kind"); }, "network.missing_key", "/edges/0/kind");
  expect_rejected([](json& j) { j["edges"][0].erase("ohms"); }, "network.missing_key", "/edges/0/ohms");
  expect_rejected([](json& j) { j["edges"][2].erase("taps"); }, "network.missing_key", "/edges/2/taps");
  expect_rejected([](json& j) { j["inputs"][0].erase("node"); }, "network.missing_key", "/inputs/0/node");
}

TEST_CASE("network loader: values of the wrong type are rejected") {
  expect_rejected([](json& j) { j["edges"][0]["ohms"] = "1k"; }, "network.wrong_type", "/edges/0/ohms");
  expect_rejected([](json& j) { j["nodes"] = "gnd in out"; }, "network.wrong_type", "/nodes");
  expect_rejected([](json& j) { j["nodes"][1] = 7; }, "network.wrong_type", "/nodes/1");
  expect_rejected([](json& j) { j["edges"][0]["trainable"] = "yes"; }, "network.wrong_type", "/edges/0/trainable");
  expect_rejected([](json& j) { j["edges"][2]["taps"] = 128.0; }, "network.wrong_type", "/edges/2/taps");
  expect_rejected([](json& j) { j["edges"][1] = json::array(); }, "network.wrong_type", "/edges/1");
  expect_rejected([](json& j) { j["outputs"][0] = nullptr; }, "network.wrong_type", "/outputs/0");
  expect_rejected([](json& j) { j["inputs"][0]["volts"] = true; }, "network.wrong_type", "/inputs/0/volts");
  expect_rejected([](json& j) { j["description"] = 3; }, "network.wrong_type", "/description");
}

TEST_CASE("network loader: an edge with zero resistance is rejected with its JSON pointer") {
  expect_rejected([](json& j) { j["edges"][0]["ohms"] = 0; }, "network.not_positive", "/edges/0/ohms");
}

TEST_CASE("network loader: negative or zero conductances and resistances are rejected") {
  expect_rejected([](json& j) { j["edges"][0]["ohms"] = -5; }, "network.not_positive", "/edges/0/ohms");
  expect_rejected([](json& j) { j["edges"][1]["siemens"] = 0; }, "network.not_positive", "/edges/1/siemens");
  expect_rejected([](json& j) { j["edges"][0]["min_ohms"] = 0; }, "network.not_positive", "/edges/0/min_ohms");
}

TEST_CASE("network loader: a resistance that overflows a double is rejected as not finite") {
  // JSON cannot carry inf or NaN, but 1e400 overflows; ngspice would make it an open circuit.
  std::string text = small_network().dump();
  const std::string from = "\"ohms\":1000";
  text.replace(text.find(from), from.size(), "\"ohms\":1e400");
  expect_input_error([&] { parse_network_text(text); }, "network.not_finite", "/edges/0/ohms");
  expect_input_error([&] { parse_network_text(text, "n.json"); }, "network.not_finite", "n.json#/edges/0/ohms");
}

TEST_CASE("network loader: resistances outside 1 mOhm .. 1 TOhm are rejected") {
  expect_rejected([](json& j) { j["edges"][0]["ohms"] = 1e-4; }, "network.out_of_range", "/edges/0/ohms");
  expect_rejected([](json& j) { j["edges"][0]["ohms"] = 1e13; }, "network.out_of_range", "/edges/0/ohms");
  expect_rejected([](json& j) { j["edges"][1]["siemens"] = 1e4; }, "network.out_of_range", "/edges/1/siemens");
  expect_rejected([](json& j) { j["edges"][1]["siemens"] = 1e-13; }, "network.out_of_range", "/edges/1/siemens");
}

TEST_CASE("network loader: diode parameters outside their ranges are rejected") {
  expect_rejected([](json& j) { j["edges"][3]["is_amps"] = 1.0; }, "network.out_of_range", "/edges/3/is_amps");
  expect_rejected([](json& j) { j["edges"][3]["is_amps"] = 0.0; }, "network.out_of_range", "/edges/3/is_amps");
  expect_rejected([](json& j) { j["edges"][3]["emission"] = 20; }, "network.out_of_range", "/edges/3/emission");
}

TEST_CASE("network loader: a trainable diode is rejected") {
  expect_rejected([](json& j) { j["edges"][3]["trainable"] = true; }, "network.diode_not_trainable",
                  "/edges/3/trainable");
}

TEST_CASE("network loader: digipot taps, code and wiper outside their ranges are rejected") {
  expect_rejected([](json& j) { j["edges"][2]["taps"] = 1; }, "network.out_of_range", "/edges/2/taps");
  expect_rejected([](json& j) { j["edges"][2]["taps"] = 2000; }, "network.out_of_range", "/edges/2/taps");
  expect_rejected([](json& j) { j["edges"][2]["code"] = 128; }, "network.out_of_range", "/edges/2/code");
  expect_rejected([](json& j) { j["edges"][2]["code"] = -1; }, "network.out_of_range", "/edges/2/code");
  expect_rejected([](json& j) { j["edges"][2]["r_wiper_ohms"] = 0; }, "network.not_positive",
                  "/edges/2/r_wiper_ohms");
  expect_rejected([](json& j) { j["edges"][2]["r_ab_ohms"] = -1; }, "network.not_positive", "/edges/2/r_ab_ohms");
}

TEST_CASE("network loader: an unknown element kind is rejected") {
  expect_rejected([](json& j) { j["edges"][0]["kind"] = "capacitor"; }, "network.unknown_kind", "/edges/0/kind");
}

TEST_CASE("network loader: a value given both in ohms and in siemens is rejected") {
  expect_rejected([](json& j) { j["edges"][0]["siemens"] = 1e-3; }, "network.conflicting_keys", "/edges/0/siemens");
  expect_rejected([](json& j) { j["edges"][0]["min_siemens"] = 1e-6; }, "network.conflicting_keys",
                  "/edges/0/max_ohms");
}

TEST_CASE("network loader: bounds with min above max are rejected") {
  expect_rejected(
      [](json& j) {
        j["edges"][0]["min_ohms"] = 1e6;
        j["edges"][0]["max_ohms"] = 100;
      },
      "network.bounds_inverted", "/edges/0/max_ohms");
  expect_rejected(
      [](json& j) {
        j["edges"][0].erase("min_ohms");
        j["edges"][0].erase("max_ohms");
        j["edges"][0]["min_siemens"] = 1e-2;
        j["edges"][0]["max_siemens"] = 1e-3;
      },
      "network.bounds_inverted", "/edges/0/min_siemens");
}

TEST_CASE("network loader: a value outside its bounds is rejected") {
  expect_rejected([](json& j) { j["edges"][0]["ohms"] = 50; }, "network.outside_bounds", "/edges/0/ohms");
  // Outside the default bounds (1 Ohm .. 1 GOhm) of a trainable resistor that names none.
  expect_rejected(
      [](json& j) {
        j["edges"][0].erase("min_ohms");
        j["edges"][0].erase("max_ohms");
        j["edges"][0]["ohms"] = 0.5;
      },
      "network.outside_bounds", "/edges/0/ohms");
}

TEST_CASE("network loader: input voltages beyond 1 kV are rejected") {
  expect_rejected([](json& j) { j["inputs"][0]["volts"] = 1e4; }, "network.out_of_range", "/inputs/0/volts");
}
