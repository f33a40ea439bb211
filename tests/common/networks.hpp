// Networks for the tests of every module, built in code so that no test depends on the JSON
// loader: a divider worked by hand, a small diode circuit, and seeded families (random connected
// graphs, lattices, crossbars, random diode networks, digipot networks).
// Random draws use std::mt19937_64 (whose sequence the standard fixes) with our own mapping to
// doubles, because std::uniform_real_distribution differs between standard libraries; the fixtures
// keep their own engine so that a change to the library's random streams never changes test data.
// Names use fmt::format: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "emulator/network/generators.hpp"
#include "emulator/network/network.hpp"

namespace spiceloop::test {

inline double uniform(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }
inline double uniform(std::mt19937_64& rng, double lo, double hi) {
  return lo + (hi - lo) * uniform(rng);
}
inline double log_uniform(std::mt19937_64& rng, double lo, double hi) {
  return lo * std::exp(std::log(hi / lo) * uniform(rng));
}
inline int pick(std::mt19937_64& rng, int n) {
  return static_cast<int>(rng() % static_cast<uint64_t>(n));
}

inline std::vector<double> uniform_vector(std::mt19937_64& rng, size_t n, double lo, double hi) {
  std::vector<double> v(n);
  for (double& x : v) x = uniform(rng, lo, hi);
  return v;
}

inline Network empty_network(const std::string& name) {
  Network net;
  net.name = name;
  net.node_names = {"gnd"};
  return net;
}

inline int add_node(Network& net, const std::string& name) {
  net.node_names.push_back(name);
  return net.node_count() - 1;
}

// A resistor named r<edge index> (or `name`), bounds [1e-9, 1] S.
inline int add_resistor(Network& net, int a, int b, double siemens, bool trainable = true,
                        const std::string& name = "") {
  Edge e;
  e.name = name.empty() ? fmt::format("r{}", net.edge_count()) : name;
  e.a = a;
  e.b = b;
  e.siemens = siemens;
  e.trainable = trainable;
  e.min_siemens = 1e-9;
  e.max_siemens = 1.0;
  net.edges.push_back(e);
  return net.edge_count() - 1;
}

// A diode named d<edge index>, conducting from anode to cathode.
inline int add_diode(Network& net, int anode, int cathode, double is_amps = 1e-14,
                     double emission = 1.0) {
  Edge e;
  e.name = fmt::format("d{}", net.edge_count());
  e.a = anode;
  e.b = cathode;
  e.kind = ElementKind::Diode;
  e.is_amps = is_amps;
  e.emission = emission;
  net.edges.push_back(e);
  return net.edge_count() - 1;
}

// Turns an edge into a trainable 128-tap AD5220 (10 kOhm end to end, 50 Ohm wiper) at `code`.
inline void make_digipot(Edge& e, int code) {
  e.kind = ElementKind::Digipot;
  e.trainable = true;
  e.taps = 128;
  e.r_ab_ohms = 10e3;
  e.r_wiper_ohms = 50.0;
  e.code = code;
  e.siemens = digipot_siemens(e, code);
  e.min_siemens = digipot_siemens(e, e.taps - 1);
  e.max_siemens = digipot_siemens(e, 0);
}

// in --R1-- out --R2-- gnd, input held at `volts`, output "out"; by default V_out = 0.75 V free.
inline Network divider(double r1_ohms = 1000.0, double r2_ohms = 3000.0, double volts = 1.0) {
  Network net = empty_network("divider");
  const int in = add_node(net, "in"), out = add_node(net, "out");
  add_resistor(net, in, out, 1.0 / r1_ohms, true, "R1");
  add_resistor(net, out, 0, 1.0 / r2_ohms, true, "R2");
  net.inputs = {{in, volts}};
  net.outputs = {out};
  return net;
}

// A random connected network: a random spanning tree through the ground plus extra random edges,
// conductances log-uniform in [k_lo, k_hi], input voltages uniform in [-1, 1] V.
inline Network random_network(uint64_t seed, int nodes = 10, int extra_edges = 12, int inputs = 2,
                              int outputs = 2, double k_lo = 1e-4, double k_hi = 1e-2) {
  std::mt19937_64 rng(seed);
  Network net = empty_network(fmt::format("random{}", seed));
  for (int v = 1; v < nodes; ++v) add_node(net, fmt::format("n{}", v));
  for (int v = 1; v < nodes; ++v) add_resistor(net, pick(rng, v), v, log_uniform(rng, k_lo, k_hi));
  for (int e = 0; e < extra_edges; ++e) {
    const int a = pick(rng, nodes);
    int b = pick(rng, nodes - 1);
    if (b >= a) ++b;
    add_resistor(net, a, b, log_uniform(rng, k_lo, k_hi));
  }
  std::vector<int> order(nodes - 1);
  for (int v = 1; v < nodes; ++v) order[v - 1] = v;
  for (int i = nodes - 2; i > 0; --i) std::swap(order[i], order[pick(rng, i + 1)]);
  for (int i = 0; i < inputs; ++i) net.inputs.push_back({order[i], uniform(rng, -1.0, 1.0)});
  for (int o = 0; o < outputs; ++o) net.outputs.push_back(order[inputs + o]);
  return net;
}

// random_network with every edge a 128-tap digipot at a random code in [20, 108).
inline Network digipot_network(uint64_t seed, int nodes = 8, int extra_edges = 8, int inputs = 2,
                               int outputs = 2) {
  Network net = random_network(seed, nodes, extra_edges, inputs, outputs);
  std::mt19937_64 rng(seed ^ 0x5851f42d4c957f2dULL);
  for (Edge& e : net.edges) make_digipot(e, 20 + pick(rng, 88));
  net.name = fmt::format("digipots{}", seed);
  return net;
}

// rows x cols grid of resistors; the bottom row is tied to the ground, the first `inputs` nodes
// of the left column are inputs and the first `outputs` nodes of the right column are outputs.
inline Network lattice(uint64_t seed, int rows, int cols, int inputs, int outputs) {
  std::mt19937_64 rng(seed);
  Network net = empty_network("lattice");
  auto at = [cols](int r, int c) { return 1 + r * cols + c; };
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) add_node(net, fmt::format("x{}_{}", r, c));
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      if (c + 1 < cols) add_resistor(net, at(r, c), at(r, c + 1), log_uniform(rng, 1e-4, 1e-2));
      if (r + 1 < rows) add_resistor(net, at(r, c), at(r + 1, c), log_uniform(rng, 1e-4, 1e-2));
    }
  for (int c = 0; c < cols; ++c) add_resistor(net, at(rows - 1, c), 0, 1e-3, false);
  for (int i = 0; i < inputs; ++i) net.inputs.push_back({at(i, 0), uniform(rng, -1.0, 1.0)});
  for (int o = 0; o < outputs; ++o) net.outputs.push_back(at(o, cols - 1));
  return net;
}

// A rows x cols crossbar: input i drives row wire i, device (i, j) joins row wire i to column wire
// j at their crossing, each wire segment is wire_ohms, and column j ends at output j with a
// load_ohms resistor to ground. Device conductances log-uniform in [1e-5, 1e-4] S.
inline Network crossbar(uint64_t seed, int rows, int cols, double wire_ohms,
                        double load_ohms = 1e3) {
  std::mt19937_64 rng(seed);
  Network net = empty_network("crossbar");
  std::vector<int> in(rows), out(cols);
  for (int i = 0; i < rows; ++i) in[i] = add_node(net, fmt::format("in{}", i));
  std::vector<int> row_node(rows * cols), col_node(rows * cols);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) {
      row_node[i * cols + j] = add_node(net, fmt::format("r{}_{}", i, j));
      col_node[i * cols + j] = add_node(net, fmt::format("c{}_{}", i, j));
    }
  for (int j = 0; j < cols; ++j) out[j] = add_node(net, fmt::format("out{}", j));
  const double g_wire = 1.0 / wire_ohms;
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) {
      add_resistor(net, j == 0 ? in[i] : row_node[i * cols + j - 1], row_node[i * cols + j], g_wire,
                   false);
      add_resistor(net, row_node[i * cols + j], col_node[i * cols + j],
                   log_uniform(rng, 1e-5, 1e-4));
      add_resistor(net, col_node[i * cols + j],
                   i + 1 < rows ? col_node[(i + 1) * cols + j] : out[j], g_wire, false);
    }
  for (int j = 0; j < cols; ++j) add_resistor(net, out[j], 0, 1.0 / load_ohms, false);
  for (int i = 0; i < rows; ++i) net.inputs.push_back({in[i], uniform(rng, -1.0, 1.0)});
  net.outputs = out;
  return net;
}

// random_network plus `diodes` diode edges between random node pairs, random orientation,
// is_amps log-uniform in [1e-15, 1e-12], emission in [1, 2]; inputs uniform in [-volts, volts].
// Every node keeps a resistive path to the ground (the spanning tree), as real circuits do, and no
// diode joins two sources (the ground and inputs), whose fixed voltage could drive any current.
inline Network diode_network(uint64_t seed, int nodes, int extra_edges, int diodes,
                             double volts = 2.0) {
  Network net = random_network(seed, nodes, extra_edges, 2, 2);
  std::mt19937_64 rng(seed ^ 0x9e3779b97f4a7c15ULL);
  auto is_source = [&](int v) {
    return v == 0 || v == net.inputs[0].node || v == net.inputs[1].node;
  };
  for (int d = 0; d < diodes;) {
    const int a = pick(rng, nodes);
    int b = pick(rng, nodes - 1);
    if (b >= a) ++b;
    if (is_source(a) && is_source(b)) continue;
    add_diode(net, a, b, log_uniform(rng, 1e-15, 1e-12), uniform(rng, 1.0, 2.0));
    ++d;
  }
  for (Input& in : net.inputs) in.volts = uniform(rng, -volts, volts);
  net.name = fmt::format("diodes{}", seed);
  return net;
}

// A small diode circuit drawn by hand: two inputs feed node a through resistors, diodes lead to
// the output and on to ground, and a reverse diode guards a:
// in1 -1k- a, in2 -2.2k- a, a -D-> out, out -4.7k- gnd, out -D(2e-14 A, n 1.5)-> b, b -1k- gnd,
// gnd -D-> a. Inputs 2 V and 1.2 V, output "out".
inline Network diode_circuit() {
  Network net = empty_network("diodes");
  const int in1 = add_node(net, "in1"), in2 = add_node(net, "in2"), a = add_node(net, "a"),
            out = add_node(net, "out"), b = add_node(net, "b");
  add_resistor(net, in1, a, 1.0 / 1000.0);
  add_resistor(net, in2, a, 1.0 / 2200.0);
  add_diode(net, a, out);
  add_resistor(net, out, 0, 1.0 / 4700.0);
  add_diode(net, out, b, 2e-14, 1.5);
  add_resistor(net, b, 0, 1.0 / 1000.0);
  add_diode(net, 0, a);
  net.inputs = {{in1, 2.0}, {in2, 1.2}};
  net.outputs = {out};
  return net;
}

// Conductances of the linear edges only, scaled by c (for scale-invariance tests).
inline std::vector<double> scaled(std::vector<double> k, double c) {
  for (double& x : k) x *= c;
  return k;
}

// A 4 x 4 periodic lattice of the lab's transistors (the CLLN geometry), gates drawn by seed in
// [gate_lo, gate_hi] V, inputs and outputs drawn by seed, one input voltage per input.
inline Network transistor_lattice(std::uint64_t seed, double gate_lo, double gate_hi, int outputs,
                                  std::vector<double> input_volts) {
  LatticeOptions o;
  o.width = o.height = 4;
  o.periodic = true;
  o.input_count = static_cast<int>(input_volts.size());
  o.output_count = outputs;
  o.input_volts = std::move(input_volts);
  o.seed = seed;
  o.edge.kind = ElementKind::Transistor;
  o.edge.low = gate_lo;
  o.edge.high = gate_hi;
  return make_lattice(o);
}

}  // namespace spiceloop::test
