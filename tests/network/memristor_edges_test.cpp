// Memristor edges in the network JSON (issue 17): the pulse model chosen by name, its parameters
// with their defaults, the written form read back, and each bad value refused at its JSON pointer.
#include <catch2/catch.hpp>

#include "emulator/network/generators.hpp"
#include "emulator/network/load.hpp"
#include "tests/network/expect_error.hpp"

using namespace spiceloop;
using nlohmann::json;

namespace {

json memristor_network() {
  return json::parse(R"({
    "spiceloop": 1, "name": "m1",
    "nodes": ["in", "out"],
    "inputs": [{"node": "in", "volts": 0.2}],
    "outputs": ["out"],
    "edges": [
      {"name": "M1", "a": "in", "b": "out", "kind": "memristor", "trainable": true, "siemens": 5e-5,
       "min_siemens": 1e-6, "max_siemens": 1e-4, "model": "power_step", "step_siemens": 1e-6, "up_down": 0.2,
       "step_noise": 0.1, "spread": 0.05, "gamma": 2.0, "stuck_on_rate": 0.01, "stuck_off_rate": 0.02,
       "drift_nu": 0.05, "drift_t0_seconds": 20, "seconds_per_update": 2, "read_volts": 0.5},
      {"name": "M2", "a": "out", "b": "gnd", "kind": "memristor", "siemens": 1e-4, "model": "constant_step",
       "step_siemens": 1e-6, "trainable": true, "min_siemens": 1e-6, "max_siemens": 2e-4}
    ]})");
}

template <class Change>
void expect_rejected(Change change, const std::string& id, const std::string& where) {
  json j = memristor_network();
  change(j);
  expect_input_error([&] { parse_network(j); }, id, where);
}

}  // namespace

TEST_CASE("memristor edges: every parameter is read, and omitted ones are off", "[network][memristor]") {
  const Network net = parse_network(memristor_network());
  const Edge& m = net.edges[0];
  CHECK(m.kind == ElementKind::Memristor);
  CHECK(m.siemens == 5e-5);
  CHECK(m.programmed_siemens == 5e-5);
  CHECK(m.memristor.model == PulseModel::PowerStep);
  CHECK(m.memristor.gamma == 2.0);
  CHECK(m.memristor.up_down == 0.2);
  CHECK(m.memristor.read_volts == 0.5);
  CHECK_FALSE(m.is_linear());
  const MemristorParams& d = net.edges[1].memristor;
  CHECK(d.model == PulseModel::ConstantStep);
  CHECK(d.up_down == 0.0);
  CHECK(d.step_noise == 0.0);
  CHECK(d.spread == 0.0);
  CHECK(d.stuck_on_rate + d.stuck_off_rate == 0.0);
  CHECK(d.drift_nu == 0.0);
  CHECK(d.read_volts == 0.0);
  CHECK(net.edges[1].is_linear());  // a linear read is a resistor to every solver
}

TEST_CASE("memristor edges: a written network reads back to the same parameters", "[network][memristor]") {
  const Network net = parse_network(memristor_network());
  const Network back = parse_network_text(network_to_text(net), "written");
  REQUIRE(back.edges.size() == 2);
  for (std::size_t j = 0; j < 2; ++j) {
    const MemristorParams &a = net.edges[j].memristor, &b = back.edges[j].memristor;
    CHECK(a.model == b.model);
    CHECK(a.step_siemens == b.step_siemens);
    CHECK(a.up_down == b.up_down);
    CHECK(a.step_noise == b.step_noise);
    CHECK(a.spread == b.spread);
    CHECK(a.gamma == b.gamma);
    CHECK(a.stuck_on_rate == b.stuck_on_rate);
    CHECK(a.stuck_off_rate == b.stuck_off_rate);
    CHECK(a.drift_nu == b.drift_nu);
    CHECK(a.drift_t0_seconds == b.drift_t0_seconds);
    CHECK(a.seconds_per_update == b.seconds_per_update);
    CHECK(a.read_volts == b.read_volts);
    CHECK(net.edges[j].siemens == back.edges[j].siemens);
  }
}

TEST_CASE("memristor edges: an unknown model name is refused with the closest one suggested",
          "[network][memristor]") {
  json j = memristor_network();
  j["edges"][0]["model"] = "soft_bound";
  try {
    parse_network(j);
    FAIL("accepted an unknown model");
  } catch (const InputError& e) {
    CHECK(e.id() == "network.unknown_model");
    CHECK(e.where() == "/edges/0/model");
    CHECK_THAT(e.message(), Catch::Matchers::Contains("soft_bounds"));
  }
}

TEST_CASE("memristor edges: bad parameters are refused at their own key", "[network][memristor]") {
  expect_rejected([](json& j) { j["edges"][0].erase("model"); }, "network.missing_key", "/edges/0/model");
  expect_rejected([](json& j) { j["edges"][0]["min_siemens"] = 2e-4; }, "network.bounds_inverted",
                  "/edges/0/min_siemens");
  expect_rejected([](json& j) { j["edges"][0]["step_noise"] = -0.1; }, "network.negative", "/edges/0/step_noise");
  expect_rejected([](json& j) { j["edges"][0]["spread"] = -0.1; }, "network.negative", "/edges/0/spread");
  expect_rejected([](json& j) { j["edges"][0]["drift_nu"] = -0.01; }, "network.negative", "/edges/0/drift_nu");
  expect_rejected([](json& j) { j["edges"][0]["stuck_on_rate"] = -0.5; }, "network.negative",
                  "/edges/0/stuck_on_rate");
  expect_rejected([](json& j) { j["edges"][0]["stuck_off_rate"] = 0.995; }, "network.out_of_range",
                  "/edges/0/stuck_off_rate");
  expect_rejected([](json& j) { j["edges"][0]["step_siemens"] = 0; }, "network.not_positive", "/edges/0/step_siemens");
  expect_rejected([](json& j) { j["edges"][0]["step_siemens"] = 1e-3; }, "network.out_of_range",
                  "/edges/0/step_siemens");
  expect_rejected([](json& j) { j["edges"][0]["up_down"] = 1.0; }, "network.out_of_range", "/edges/0/up_down");
  expect_rejected([](json& j) { j["edges"][0]["read_volts"] = 1e-4; }, "network.out_of_range", "/edges/0/read_volts");
  expect_rejected([](json& j) { j["edges"][1]["gamma"] = 2.0; }, "network.invalid", "/edges/1/gamma");
  expect_rejected([](json& j) { j["edges"][0]["taps"] = 128; }, "network.unknown_key", "/edges/0/taps");
}

TEST_CASE("memristor edges: a crossbar generator places memristor cells from its template",
          "[network][memristor]") {
  const Network net = parse_network(json::parse(R"({
    "spiceloop": 1, "generator": "crossbar", "rows": 3, "columns": 2, "wire_ohms": 1.0, "seed": 4,
    "edge": {"kind": "memristor", "siemens": {"min": 2e-5, "max": 8e-5}, "min_siemens": 1e-6,
             "max_siemens": 1e-4, "model": "soft_bounds", "step_siemens": 2e-6, "up_down": -0.3}})"));
  int cells = 0;
  for (const Edge& e : net.edges) {
    if (e.kind != ElementKind::Memristor) continue;
    ++cells;
    CHECK(e.trainable);
    CHECK(e.memristor.model == PulseModel::SoftBounds);
    CHECK(e.memristor.up_down == -0.3);
    CHECK(e.siemens >= 2e-5);
    CHECK(e.siemens <= 8e-5);
    CHECK(e.programmed_siemens == e.siemens);
    CHECK(e.max_siemens == 1e-4);
  }
  CHECK(cells == 6);
  expect_input_error(
      [] {
        parse_network(json::parse(R"({"spiceloop": 1, "generator": "crossbar", "edge": {"kind": "memristor", "siemens": 5e-5,
          "min_siemens": 1e-6, "max_siemens": 1e-4, "model": "soft_bounds", "step_siemens": 2e-6,
          "step_noise": -1}})"));
      },
      "network.negative", "/edge/step_noise");
}
