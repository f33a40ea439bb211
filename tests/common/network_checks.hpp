// Two networks are the same network: every field of every node, input, output and edge, doubles
// compared exactly (a reload or a transfer must not round a conductance).
#pragma once

#include <catch2/catch.hpp>

#include <cstddef>

#include "emulator/network/network.hpp"

namespace spiceloop::test {

inline void require_same_network(const Network& x, const Network& y) {
  REQUIRE(x.name == y.name);
  REQUIRE(x.node_names == y.node_names);
  REQUIRE(x.outputs == y.outputs);
  REQUIRE(x.inputs.size() == y.inputs.size());
  for (std::size_t i = 0; i < x.inputs.size(); ++i) {
    CHECK(x.inputs[i].node == y.inputs[i].node);
    CHECK(x.inputs[i].volts == y.inputs[i].volts);
  }
  REQUIRE(x.edges.size() == y.edges.size());
  for (std::size_t j = 0; j < x.edges.size(); ++j) {
    const Edge &a = x.edges[j], &b = y.edges[j];
    INFO("edge " << a.name);
    CHECK(a.name == b.name);
    CHECK(a.a == b.a);
    CHECK(a.b == b.b);
    CHECK(a.kind == b.kind);
    CHECK(a.trainable == b.trainable);
    CHECK(a.siemens == b.siemens);  // exact, not within a tolerance
    CHECK(a.min_siemens == b.min_siemens);
    CHECK(a.max_siemens == b.max_siemens);
    CHECK(a.taps == b.taps);
    CHECK(a.r_ab_ohms == b.r_ab_ohms);
    CHECK(a.r_wiper_ohms == b.r_wiper_ohms);
    CHECK(a.code == b.code);
    CHECK(a.is_amps == b.is_amps);
    CHECK(a.memristor.read_volts == b.memristor.read_volts);
    CHECK(a.emission == b.emission);
    CHECK(a.gate_volts == b.gate_volts);
    CHECK(a.min_gate_volts == b.min_gate_volts);
    CHECK(a.max_gate_volts == b.max_gate_volts);
    CHECK(a.k_amps_per_volt2 == b.k_amps_per_volt2);
    CHECK(a.threshold_volts == b.threshold_volts);
    CHECK(a.lambda_per_volt == b.lambda_per_volt);
  }
}

}  // namespace spiceloop::test
