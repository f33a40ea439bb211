#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "emulator/bench/bench_config.hpp"
#include "emulator/core/error.hpp"
#include "helpers.hpp"
#include "tests/common/files.hpp"

using namespace spiceloop;
using nlohmann::json;

namespace {

const std::string kBenchDir = test::bundled("benches");

json lab16_bench() {
  return json::parse(R"({
    "spiceloop_bench": 1, "network": "../lab16.json",
    "source": [{"channel": 1, "node": "n1"}, {"channel": 2, "node": "n4"}],
    "scanner": [{"channel": 101, "node": "n2"}, {"channel": 102, "plus": "n2", "minus": "n3"}]
  })");
}

void expect_bench_error(const json& doc, const std::string& id, const std::string& where,
                        const std::string& message_part = "") {
  try {
    parse_bench(doc, "bench.json", kBenchDir);
    FAIL("accepted");
  } catch (const InputError& e) {
    CHECK(e.id() == id);
    CHECK(e.where() == where);
    if (!message_part.empty()) CHECK_THAT(e.message(), Catch::Matchers::Contains(message_part));
  }
}

}  // namespace

TEST_CASE("bench config: the lab16 bench wires four source channels to the four inputs in order") {
  const BenchConfig b = load_bench_file(standins_test::bench_path("lab16.json"));
  CHECK(b.name == "lab16");
  REQUIRE(b.source.size() == 4);
  for (int ch = 1; ch <= 4; ++ch) {
    CHECK(b.source[ch - 1].channel == ch);
    CHECK(b.source[ch - 1].input == ch - 1);
  }
  REQUIRE(b.scanner.size() == 10);
  CHECK(b.scanner[9].plus == *b.network.find_node("n2"));
  CHECK(b.scanner[9].minus == *b.network.find_node("n8"));
  CHECK(b.digipots.empty());
}

TEST_CASE("bench config: the digipot bench maps digipot channels to edges") {
  const BenchConfig b = load_bench_file(standins_test::bench_path("lab16_digipot.json"));
  REQUIRE(b.digipots.size() == 16);
  CHECK(b.network.edges[b.digipots[3].edge].name == "e3");
}

TEST_CASE("bench config: source channels may be listed in any order") {
  json j = lab16_bench();
  std::swap(j["source"][0], j["source"][1]);
  const BenchConfig b = parse_bench(j, "bench.json", kBenchDir);
  CHECK(b.source[0].channel == 1);
  CHECK(b.source[0].input == 0);
}

TEST_CASE("bench config: a bench without a network is rejected") {
  json j = lab16_bench();
  j.erase("network");
  expect_bench_error(j, "bench.missing_key", "bench.json#/network");
}

TEST_CASE("bench config: a network file that does not exist is named with its resolved path") {
  json j = lab16_bench();
  j["network"] = "../no_such.json";
  expect_bench_error(j, "bench.network_not_found", "bench.json#/network", "no_such.json");
}

TEST_CASE("bench config: a channel on an unknown node is rejected with the closest name") {
  json j = lab16_bench();
  j["scanner"][0]["node"] = "n22";
  expect_bench_error(j, "bench.unknown_node", "bench.json#/scanner/0/node", "no node \"n22\"");
}

TEST_CASE("bench config: a source channel on a node that is neither an input nor an output is rejected") {
  json j = lab16_bench();
  j["source"][1]["node"] = "n5";
  expect_bench_error(j, "bench.not_an_input", "bench.json#/source/1/node");
}

TEST_CASE("bench config: a channel listed twice is rejected") {
  json j = lab16_bench();
  j["source"][1]["channel"] = 1;
  expect_bench_error(j, "bench.duplicate_channel", "bench.json#/source/1/channel", "channel 1");
  json k = lab16_bench();
  k["scanner"][1]["channel"] = 101;
  expect_bench_error(k, "bench.duplicate_channel", "bench.json#/scanner/1/channel");
}

TEST_CASE("bench config: two source channels on one input are rejected") {
  json j = lab16_bench();
  j["source"][1]["node"] = "n1";
  expect_bench_error(j, "bench.duplicate_node", "bench.json#/source/1/node", "/source/0");
}

TEST_CASE("bench config: source channels with a gap are rejected") {
  json j = lab16_bench();
  j["source"][1]["channel"] = 3;
  expect_bench_error(j, "bench.channel_gap", "bench.json#/source", "channel 2 is missing");
}

TEST_CASE("bench config: a scanner channel outside 101..999 is rejected") {
  json j = lab16_bench();
  j["scanner"][0]["channel"] = 5;
  expect_bench_error(j, "bench.channel_range", "bench.json#/scanner/0/channel");
}

TEST_CASE("bench config: a misspelt key is rejected with the closest known key") {
  json j = lab16_bench();
  j["scaner"] = j["scanner"];
  expect_bench_error(j, "bench.unknown_key", "bench.json#/scaner", "did you mean \"scanner\"?");
}

TEST_CASE("bench config: a digipot channel on a resistor edge is rejected") {
  json j = lab16_bench();
  j["digipots"] = json::parse(R"([{"channel": 1, "edge": "e0"}])");
  expect_bench_error(j, "bench.not_a_digipot", "bench.json#/digipots/0/edge");
}

TEST_CASE("bench config: a bench file without its version is rejected") {
  json j = lab16_bench();
  j.erase("spiceloop_bench");
  expect_bench_error(j, "bench.missing_key", "bench.json#/spiceloop_bench");
}

namespace {

json memristor_bench() {
  json j = test::read_json(test::bundled("benches/memristor_xbar_hil.json"));
  j.erase("description");
  return j;
}

}  // namespace

TEST_CASE("bench config: the memristor bench maps pulser channels to memristor edges, with its count and seed") {
  const BenchConfig b = load_bench_file(standins_test::bench_path("memristor_xbar_hil.json"));
  REQUIRE(b.pulser);
  REQUIRE(b.pulser->channels.size() == 8);
  CHECK(b.network.edges[b.pulser->channels[3].edge].name == "m1_1");
  CHECK(b.pulser->max_count == 31);
  CHECK(b.pulser->seed == 1);
}

TEST_CASE("bench config: a pulser channel on a non-memristor, a drifting memristor or twice on one edge is rejected") {
  json j = memristor_bench();
  j["pulser"]["channels"][0]["edge"] = "load0";
  expect_bench_error(j, "bench.not_a_memristor", "bench.json#/pulser/channels/0/edge", "is a resistor, not a memristor");
  j = memristor_bench();
  j["pulser"]["channels"][1]["edge"] = "m0_0";
  expect_bench_error(j, "bench.duplicate_edge", "bench.json#/pulser/channels/1/edge", "on two channels");
  j = memristor_bench();
  j["pulser"]["channels"][0]["edge"] = "m9";
  expect_bench_error(j, "bench.unknown_edge", "bench.json#/pulser/channels/0/edge");

  // The network inline-copied with a drifting device (the bench reads a network file: write one).
  test::ScratchDir scratch("bench_memristor_drift");
  json net = test::read_json(test::bundled("memristor_xbar_hil.json"));
  net["edges"][2]["drift_nu"] = 0.05;
  test::write_json(scratch.dir / "net.json", net);
  j = memristor_bench();
  j["network"] = (scratch.dir / "net.json").string();
  expect_bench_error(j, "bench.memristor_drift", "bench.json#/pulser/channels/2/edge", "set drift_nu 0");
}

TEST_CASE("bench config: a pulser max_count outside 1..65535 is rejected") {
  json j = memristor_bench();
  j["pulser"]["max_count"] = 0;
  expect_bench_error(j, "bench.out_of_range", "bench.json#/pulser/max_count", "1..65535");
  j["pulser"]["max_count"] = 70000;
  expect_bench_error(j, "bench.out_of_range", "bench.json#/pulser/max_count");
  j = memristor_bench();
  j["pulser"]["seed"] = -1;
  expect_bench_error(j, "bench.wrong_type", "bench.json#/pulser/seed");
}
