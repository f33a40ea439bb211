// Every network shipped in netlists/ loads, validates and round-trips; the generated ones are
// exactly what their generator spec gives today (a guard on generator determinism).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "emulator/core/json_text.hpp"
#include "emulator/network/generators.hpp"
#include "emulator/network/load.hpp"
#include "tests/common/paths.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinRel;
namespace fs = std::filesystem;

using spiceloop::test::bundled;

TEST_CASE("bundled netlists: every netlists/*.json with a \"spiceloop\" key loads and round-trips") {
  int loaded = 0;
  for (const auto& entry : fs::directory_iterator(test::source_dir() / "netlists")) {
    if (entry.path().extension() != ".json") continue;
    const nlohmann::json doc = load_json_file(entry.path().string(), kNetworkDocument);
    if (!doc.is_object() || !doc.contains("spiceloop")) continue;
    INFO(entry.path().string());
    const Network net = load_network_file(entry.path().string());
    CHECK(network_to_json(parse_network(network_to_json(net))) == network_to_json(net));
    ++loaded;
  }
  CHECK(loaded >= 7);
}

TEST_CASE("bundled netlists: the divider is two resistors from a 1 V input") {
  const Network net = load_network_file(bundled("divider.json"));
  REQUIRE(net.edge_count() == 2);
  CHECK(net.node_names[0] == "gnd");
  CHECK(net.inputs[0].volts == 1.0);
  const double r1 = 1.0 / net.edges[0].siemens, r2 = 1.0 / net.edges[1].siemens;
  CHECK_THAT(r2 / (r1 + r2), WithinRel(0.75, 1e-15));  // the analytic V(out)
}

TEST_CASE("bundled netlists: the diode XOR network has fixed diodes and trainable resistors") {
  const Network net = load_network_file(bundled("diode_xor.json"));
  int diodes = 0, trainable = 0;
  for (const Edge& e : net.edges) {
    diodes += e.kind == ElementKind::Diode;
    trainable += e.trainable;
  }
  CHECK(diodes == 6);
  CHECK(trainable == 5);
  CHECK(net.inputs.size() == 5);
  CHECK(net.outputs.size() == 1);
  CHECK_FALSE(net.is_linear());
}

TEST_CASE("bundled netlists: the generated examples are what their specs give") {
  const struct {
    const char* file;
    const char* spec;
    int nodes, edges;
    bool moved_e0;  // lab16: edge e0 moved to n2-n5 after generation, as the file's description says
  } cases[] = {
      {"lab16.json",
       R"({"generator":"random","name":"lab16","nodes":10,"edges":16,"inputs":4,"outputs":3,"seed":2022,
           "edge":{"kind":"resistor","ohms":{"min":1000,"max":100000},"min_ohms":1000,"max_ohms":100000}})",
       10, 16, true},
      {"lab16_digipot.json",
       R"({"generator":"random","name":"lab16_digipot","nodes":10,"edges":16,"inputs":4,"outputs":3,"seed":2022,
           "edge":{"kind":"digipot","taps":128,"r_ab_ohms":100000,"r_wiper_ohms":50,"code":{"min":1,"max":127}}})",
       10, 16, true},
      {"crossbar_wires.json",
       R"({"generator":"crossbar","name":"crossbar_wires","rows":4,"columns":4,"load_ohms":1000,"wire_ohms":10,
           "seed":1,"edge":{"ohms":{"min":10000,"max":100000},"min_ohms":1000,"max_ohms":1000000}})",
       33, 44, false},
      {"lattice.json",
       R"({"generator":"lattice","name":"lattice","width":4,"height":4,"periodic":true,"ground":"n0_0",
           "inputs":["n1_1","n3_2"],"outputs":["n2_3"],"seed":3,
           "edge":{"ohms":{"min":1000,"max":100000},"min_ohms":1000,"max_ohms":100000}})",
       16, 32, false},
      {"clln4x4.json",
       R"({"generator":"lattice","name":"clln4x4","width":4,"height":4,"periodic":true,
           "inputs":["n1_1","n3_1","n1_3","n3_3"],"outputs":["n2_2"],"seed":11,"input_volts":[0.45,0,0.45,0],
           "edge":{"kind":"transistor","gate_volts":{"min":4.5,"max":5.5}}})",
       16, 32, false},
  };
  for (const auto& c : cases) {
    INFO(c.file);
    const Network saved = load_network_file(bundled(c.file));
    CHECK(saved.node_count() == c.nodes);
    CHECK(saved.edge_count() == c.edges);
    Network generated = generate_network(nlohmann::json::parse(c.spec));
    if (c.moved_e0) {
      CHECK(generated.edges[0].a == *generated.find_node("n5"));  // was n5-n6; n2 hung from input n4 by e3 alone
      generated.edges[0].a = *generated.find_node("n2");
      generated.edges[0].b = *generated.find_node("n5");
    }
    CHECK(network_to_json(generated) == network_to_json(saved));
  }
}

TEST_CASE("bundled netlists: a generator spec file loads like a network file") {
  const Network net = load_network_file(bundled("random_spec.json"));
  CHECK(net.name == "random64");
  CHECK(net.node_count() == 64);
  CHECK(net.edge_count() == 160);
}
