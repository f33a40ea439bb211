// Whole-network checks: names, references, boundary, connectivity and size, on loaded documents
// (located by JSON pointer) and on networks built in code (validate_network).
#include <catch2/catch.hpp>

#include "emulator/network/generators.hpp"
#include "emulator/network/load.hpp"
#include "emulator/network/validate.hpp"
#include "tests/network/expect_error.hpp"

using namespace spiceloop;
using nlohmann::json;

namespace {
template <class Change>
void expect_rejected(Change change, const std::string& id, const std::string& where) {
  json j = small_network();
  change(j);
  expect_input_error([&] { parse_network(j); }, id, where);
}
}  // namespace

TEST_CASE("network validation: names that are not plain identifiers are rejected") {
  for (const std::string& bad : std::vector<std::string>{"a;b", "x`y`", "a\nb", "a b", "1abc", "", "out-1", "n\xc3\xa9", std::string(65, 'n')}) {
    INFO(bad);
    expect_rejected([&](json& j) { j["nodes"][3] = bad; }, "network.bad_name", "/nodes/3");
    expect_rejected([&](json& j) { j["edges"][0]["name"] = bad; }, "network.bad_name", "/edges/0/name");
  }
  expect_rejected([](json& j) { j["ground"] = "g nd"; }, "network.bad_name", "/ground");
  expect_rejected([](json& j) { j["name"] = "my network"; }, "network.bad_name", "/name");
}

TEST_CASE("network validation: a name of 64 characters is accepted") {
  json j = small_network();
  j["edges"][0]["name"] = std::string(64, 'r');
  CHECK(parse_network(j).edges[0].name.size() == 64);
}

TEST_CASE("network validation: duplicate node names are rejected, also up to case") {
  expect_rejected([](json& j) { j["nodes"].push_back("out"); }, "network.duplicate_node", "/nodes/4");
  expect_rejected([](json& j) { j["nodes"].push_back("OUT"); }, "network.duplicate_node", "/nodes/4");
  expect_rejected([](json& j) { j["nodes"].push_back("GND"); }, "network.duplicate_node", "/nodes/4");
}

TEST_CASE("network validation: duplicate edge names are rejected, also up to case") {
  expect_rejected([](json& j) { j["edges"][1]["name"] = "R1"; }, "network.duplicate_edge", "/edges/1/name");
  expect_rejected([](json& j) { j["edges"][1]["name"] = "r1"; }, "network.duplicate_edge", "/edges/1/name");
}

TEST_CASE("network validation: an edge to an unknown node is rejected with a suggestion") {
  json j = small_network();
  j["edges"][1]["b"] = "gdn";
  try {
    parse_network(j);
    FAIL("accepted");
  } catch (const InputError& e) {
    CHECK(e.id() == "network.unknown_node");
    CHECK(e.where() == "/edges/1/b");
    CHECK_THAT(e.message(), Catch::Matchers::Contains("did you mean \"gnd\"?"));
  }
  expect_rejected([](json& j) { j["inputs"][0]["node"] = "nowhere"; }, "network.unknown_node", "/inputs/0/node");
  expect_rejected([](json& j) { j["outputs"][0] = "nowhere"; }, "network.unknown_node", "/outputs/0");
}

TEST_CASE("network validation: a self-loop edge is rejected") {
  expect_rejected([](json& j) { j["edges"][1]["b"] = "out"; }, "network.self_loop", "/edges/1/b");
}

TEST_CASE("network validation: a node on no edge is rejected as floating") {
  expect_rejected([](json& j) { j["nodes"].push_back("spare"); }, "network.floating_node", "/nodes/4");
}

TEST_CASE("network validation: an island without a DC path to ground is rejected at its first node") {
  expect_rejected(
      [](json& j) {
        j["nodes"].push_back("p");
        j["nodes"].push_back("q");
        j["edges"].push_back({{"name", "Rpq"}, {"a", "p"}, {"b", "q"}, {"kind", "resistor"}, {"ohms", 10}});
      },
      "network.floating_node", "/nodes/4");
  // An island held by an input still has no edge path to ground.
  expect_rejected(
      [](json& j) {
        j["nodes"].push_back("p");
        j["nodes"].push_back("q");
        j["edges"].push_back({{"name", "Rpq"}, {"a", "p"}, {"b", "q"}, {"kind", "resistor"}, {"ohms", 10}});
        j["inputs"].push_back({{"node", "p"}, {"volts", 1}});
      },
      "network.floating_node", "/nodes/4");
}

TEST_CASE("network validation: a diode is a DC path to ground") {
  // mid reaches ground only through the diode D1 (and through the digipot to out).
  json j = small_network();
  j["nodes"].push_back("tail");
  j["edges"].push_back({{"name", "D2"}, {"a", "gnd"}, {"b", "tail"}, {"kind", "diode"}});
  CHECK(parse_network(j).node_count() == 5);
}

TEST_CASE("network validation: an input on the ground is rejected") {
  expect_rejected([](json& j) { j["inputs"][0]["node"] = "gnd"; }, "network.input_on_ground", "/inputs/0/node");
}

TEST_CASE("network validation: two sources on one node are rejected") {
  expect_rejected([](json& j) { j["inputs"].push_back({{"node", "in"}, {"volts", 2.0}}); },
                  "network.duplicate_input", "/inputs/1/node");
}

TEST_CASE("network validation: a node that is both input and output is rejected") {
  expect_rejected([](json& j) { j["outputs"].push_back("in"); }, "network.input_is_output", "/outputs/1");
}

TEST_CASE("network validation: an output on the ground is rejected") {
  expect_rejected([](json& j) { j["outputs"][0] = "gnd"; }, "network.output_on_ground", "/outputs/0");
}

TEST_CASE("network validation: an output listed twice is rejected") {
  expect_rejected([](json& j) { j["outputs"].push_back("out"); }, "network.duplicate_output", "/outputs/1");
}

TEST_CASE("network validation: a network without inputs is rejected, one without outputs is not") {
  expect_rejected([](json& j) { j["inputs"] = json::array(); }, "network.no_inputs", "/inputs");
  json j = small_network();
  j["outputs"] = json::array();
  CHECK(parse_network(j).outputs.empty());
}

TEST_CASE("network validation: more than a million nodes or edges are refused before they are read") {
  expect_rejected([](json& j) { j["nodes"] = json::array(); j["nodes"].get_ref<json::array_t&>().resize(1'000'001); },
                  "network.too_large", "/nodes");
  expect_rejected([](json& j) { j["edges"] = json::array(); j["edges"].get_ref<json::array_t&>().resize(1'000'001); },
                  "network.too_large", "/edges");
}

namespace {
Network built_in_code() {
  Network net;
  net.name = "coded";
  net.node_names = {"gnd", "in", "out"};
  net.edges = {resistor_edge("R1", 1, 2, 1e-3, true), resistor_edge("R2", 2, 0, 1e-3)};
  net.inputs = {{1, 1.0}};
  net.outputs = {2};
  return net;
}
}  // namespace

TEST_CASE("network validation: a network built in code is checked with the saved layout's pointers") {
  validate_network(built_in_code());

  Network net = built_in_code();
  net.edges[1].siemens = 0.0;
  expect_input_error([&] { validate_network(net); }, "network.not_positive", "/edges/1/siemens");

  net = built_in_code();
  net.edges[0].siemens = std::numeric_limits<double>::quiet_NaN();
  expect_input_error([&] { validate_network(net); }, "network.not_finite", "/edges/0/siemens");

  net = built_in_code();
  net.edges[0].b = 7;
  expect_input_error([&] { validate_network(net); }, "network.unknown_node", "/edges/0/b");

  net = built_in_code();
  net.node_names[2] = "IN";
  expect_input_error([&] { validate_network(net); }, "network.duplicate_node", "/nodes/2");

  net = built_in_code();
  net.node_names[0] = "bad name";
  expect_input_error([&] { validate_network(net); }, "network.bad_name", "/ground");

  net = built_in_code();
  net.edges[0].max_siemens = 1e-10;
  expect_input_error([&] { validate_network(net); }, "network.bounds_inverted", "/edges/0/min_siemens");
}

TEST_CASE("network validation: a coded fixed resistor may leave its bounds unset, a trainable one may not") {
  Network net = built_in_code();
  net.edges[1].min_siemens = net.edges[1].max_siemens = 0.0;
  validate_network(net);
  net.edges[0].min_siemens = net.edges[0].max_siemens = 0.0;
  expect_input_error([&] { validate_network(net); }, "network.not_positive", "/edges/0/min_siemens");
}

TEST_CASE("network validation: a coded digipot whose conductance disagrees with its code is rejected") {
  Network net = built_in_code();
  net.edges[0] = digipot_edge("P1", 1, 2, 128, 1e4, 50, 64, true);
  validate_network(net);
  net.edges[0].code = 65;
  expect_input_error([&] { validate_network(net); }, "network.digipot_mismatch", "/edges/0");
  net.set_conductances({digipot_siemens(net.edges[0], 65), 1e-3});
  validate_network(net);
}
