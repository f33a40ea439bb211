// Small networks built in code for the learning tests: a divider worked by hand, seeded random
// linear networks (every edge trainable, voltage-source inputs: the setting of the exact
// identities), a digipot version, and a diode network for XOR.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include "emulator/core/random.hpp"
#include "emulator/network/network.hpp"

namespace spiceloop::testnet {

inline Edge resistor(const std::string& name, int a, int b, double siemens, bool trainable = true) {
  Edge e;
  e.name = name;
  e.a = a;
  e.b = b;
  e.kind = ElementKind::Resistor;
  e.trainable = trainable;
  e.siemens = siemens;
  e.min_siemens = 1e-9;
  e.max_siemens = 1.0;
  return e;
}

inline Edge digipot(const std::string& name, int a, int b, int code) {
  Edge e;
  e.name = name;
  e.a = a;
  e.b = b;
  e.kind = ElementKind::Digipot;
  e.trainable = true;
  e.taps = 128;  // AD5220, 10 kOhm end to end
  e.r_ab_ohms = 10e3;
  e.r_wiper_ohms = 50.0;
  e.code = code;
  e.siemens = digipot_siemens(e, code);
  e.min_siemens = digipot_siemens(e, e.taps - 1);
  e.max_siemens = digipot_siemens(e, 0);
  return e;
}

inline Edge diode(const std::string& name, int anode, int cathode) {
  Edge e;
  e.name = name;
  e.a = anode;
  e.b = cathode;
  e.kind = ElementKind::Diode;
  e.is_amps = 1e-14;
  e.emission = 1.0;
  return e;
}

// in --k1-- out --k2-- gnd, input at 1 V.
inline Network divider(double k1 = 2e-3, double k2 = 1e-3) {
  Network n;
  n.name = "divider";
  n.node_names = {"gnd", "in", "out"};
  n.edges = {resistor("k1", 1, 2, k1), resistor("k2", 2, 0, k2)};
  n.inputs = {{1, 1.0}};
  n.outputs = {2};
  return n;
}

// A connected random graph: a random spanning tree plus extra edges; inputs on nodes 1..inputs,
// outputs on the next nodes. Conductances log-uniform in [1e-4, 1e-2] S.
inline Network random_linear(std::uint64_t seed, int nodes = 10, int extra_edges = 12, int inputs = 2, int outputs = 2) {
  Rng rng(seed);
  Network n;
  n.name = "random";
  // Names by append: GCC 12 warns (falsely, -Wrestrict) on "n" + std::to_string(i) here.
  for (int i = 0; i < nodes; ++i) n.node_names.push_back(i == 0 ? std::string("gnd") : std::string("n").append(std::to_string(i)));
  auto add = [&](int a, int b) {
    const double k = std::exp(std::log(1e-4) + rng.uniform01() * std::log(100.0));
    n.edges.push_back(resistor(std::string("e").append(std::to_string(n.edges.size())), a, b, k));
  };
  for (int i = 1; i < nodes; ++i) add(i, static_cast<int>(rng.below(static_cast<std::uint64_t>(i))));
  for (int x = 0; x < extra_edges; ++x) {
    const int a = static_cast<int>(rng.below(nodes)), b = static_cast<int>(rng.below(nodes));
    if (a != b) add(a, b);
  }
  for (int i = 0; i < inputs; ++i) n.inputs.push_back({1 + i, 0.3 + 0.7 * rng.uniform01()});
  for (int o = 0; o < outputs; ++o) n.outputs.push_back(1 + inputs + o);
  return n;
}

// The same graph with every edge a 128-tap digipot at a random code.
inline Network random_digipot(std::uint64_t seed, int nodes = 8, int extra_edges = 8) {
  Network n = random_linear(seed, nodes, extra_edges);
  Rng rng(seed + 1000);
  for (Edge& e : n.edges) e = digipot(e.name, e.a, e.b, 20 + static_cast<int>(rng.below(88)));
  return n;
}

}  // namespace spiceloop::testnet
