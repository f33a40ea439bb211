// network_to_json and network_to_text write a network that reloads to exactly the same Network:
// trained conductances at full precision, node order, every field.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "emulator/network/generators.hpp"
#include "emulator/network/load.hpp"
#include "tests/common/network_checks.hpp"
#include "tests/network/expect_error.hpp"

using namespace spiceloop;
using spiceloop::test::require_same_network;

TEST_CASE("network writer: a loaded network reloads unchanged from JSON and from text") {
  const Network net = parse_network(small_network());
  require_same_network(net, parse_network(network_to_json(net)));
  require_same_network(net, parse_network_text(network_to_text(net)));
}

TEST_CASE("network writer: a trained network keeps every conductance bit for bit") {
  Network net = parse_network(small_network());
  std::mt19937_64 rng(5);
  for (int step = 0; step < 200; ++step) {
    // Values with all 53 mantissa bits in use, within the bounds.
    const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
    const double k0 = net.edges[0].min_siemens + u * (net.edges[0].max_siemens - net.edges[0].min_siemens);
    net.set_conductances({k0, 1e-3, 1.0 / (50 + 10000.0 * (step % 128) / 128), 0.0});
    require_same_network(net, parse_network_text(network_to_text(net)));
  }
}

TEST_CASE("network writer: odd input voltages and diode parameters survive") {
  Network net = parse_network(small_network());
  net.inputs[0].volts = -1.0 / 3.0;
  net.edges[3].is_amps = 2.718281828459045e-15;
  net.edges[3].emission = 1.0 + 1e-15;
  require_same_network(net, parse_network(network_to_json(net)));
}

TEST_CASE("network writer: the ground comes first in the written nodes whatever the input order") {
  auto j = small_network();
  j["nodes"] = {"out", "mid", "in", "gnd"};
  const Network net = parse_network(j);
  const nlohmann::json out = network_to_json(net);
  CHECK(out["nodes"][0] == "gnd");
  CHECK(out["ground"] == "gnd");
  require_same_network(net, parse_network(out));
}

TEST_CASE("network writer: a fixed resistor is written without bounds unless they say more") {
  Network net = parse_network(small_network());
  CHECK_FALSE(network_to_json(net)["edges"][1].contains("min_siemens"));
  CHECK(network_to_json(net)["edges"][0].contains("min_siemens"));
  net.edges[1].min_siemens = 1e-4;
  net.edges[1].max_siemens = 1e-2;
  CHECK(network_to_json(net)["edges"][1]["min_siemens"] == 1e-4);
  require_same_network(net, parse_network(network_to_json(net)));
}

TEST_CASE("network writer: generated networks of every kind round-trip") {
  CrossbarOptions crossbar;
  crossbar.wire_ohms = 2.5;
  crossbar.cell.low = 1e-5;
  crossbar.cell.high = 1e-3;
  LatticeOptions lattice;
  lattice.periodic = true;
  lattice.edge.kind = ElementKind::Digipot;
  lattice.edge.code_low = 0;
  lattice.edge.code_high = 127;
  RandomGraphOptions random;
  random.nodes = 30;
  random.edges = 70;
  random.edge.draw_ohms = true;
  random.edge.low = 1e3;
  random.edge.high = 1e5;
  for (const Network& net : {make_crossbar(crossbar), make_lattice(lattice), make_random_graph(random)}) {
    require_same_network(net, parse_network(network_to_json(net)));
    require_same_network(net, parse_network_text(network_to_text(net)));
  }
}

TEST_CASE("network writer: the text form has one edge per line") {
  const Network net = parse_network(small_network());
  const std::string text = network_to_text(net);
  CHECK(text.find("\n    {\"name\": \"R1\", \"a\": \"in\", \"b\": \"out\", \"kind\": \"resistor\"") != std::string::npos);
  CHECK(text.back() == '\n');
}
