// Shared by the network tests: asserting an InputError's id and location, and a small valid
// network document that each test breaks in one place.
#pragma once

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>

#include "emulator/core/error.hpp"

// Runs f, which must throw spiceloop::InputError with exactly this id and location.
template <class F>
void expect_input_error(F&& f, const std::string& id, const std::string& where) {
  try {
    f();
  } catch (const spiceloop::InputError& e) {
    INFO(e.what());
    CHECK(e.id() == id);
    CHECK(e.where() == where);
    CHECK_FALSE(e.message().empty());
    return;
  }
  FAIL("no InputError thrown; expected " << id << " at " << where);
}

// Three nodes, one input, one output; edge 0 a trainable resistor in ohms, 1 a fixed load,
// 2 a digipot, 3 a diode.
inline nlohmann::json small_network() {
  return nlohmann::json::parse(R"({
    "spiceloop": 1, "name": "small", "ground": "gnd",
    "nodes": ["gnd", "in", "out", "mid"],
    "inputs": [{"node": "in", "volts": 1.0}],
    "outputs": ["out"],
    "edges": [
      {"name": "R1", "a": "in", "b": "out", "kind": "resistor", "ohms": 1000, "trainable": true,
       "min_ohms": 100, "max_ohms": 1e6},
      {"name": "RL", "a": "out", "b": "gnd", "kind": "resistor", "siemens": 1e-3},
      {"name": "P1", "a": "out", "b": "mid", "kind": "digipot", "taps": 128, "r_ab_ohms": 10000,
       "r_wiper_ohms": 50, "code": 64, "trainable": true},
      {"name": "D1", "a": "mid", "b": "gnd", "kind": "diode", "is_amps": 1e-14, "emission": 1.0}
    ]})");
}
