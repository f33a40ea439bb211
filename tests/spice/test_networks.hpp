// Networks for the ngspice backend's tests, built in code (no loader needed): a divider with a
// hand-derived answer, random connected graphs by seed, square lattices, crossbars with wire
// resistance, and a small diode network.
#pragma once

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "emulator/network/network.hpp"

namespace spiceloop::test {

inline Edge resistor(const std::string& name, int a, int b, double ohms) {
  Edge e;
  e.name = name;
  e.a = a;
  e.b = b;
  e.kind = ElementKind::Resistor;
  e.siemens = 1.0 / ohms;
  e.min_siemens = 1e-6;
  e.max_siemens = 1.0;
  e.trainable = true;
  return e;
}

inline Edge diode(const std::string& name, int anode, int cathode, double is_amps = 1e-14, double emission = 1.0) {
  Edge e;
  e.name = name;
  e.a = anode;
  e.b = cathode;
  e.kind = ElementKind::Diode;
  e.is_amps = is_amps;
  e.emission = emission;
  return e;
}

// in --R1 1k-- out --R2 3k-- gnd, input 1 V: V_out = 0.75 V free.
inline Network divider() {
  Network net;
  net.name = "divider";
  net.node_names = {"gnd", "in", "out"};
  net.edges = {resistor("R1", 1, 2, 1000.0), resistor("R2", 2, 0, 3000.0)};
  net.inputs = {{1, 1.0}};
  net.outputs = {2};
  return net;
}

// A connected random graph: a random spanning tree plus extra edges, conductances log-uniform in
// [1e-4, 1e-2] S, two inputs in [-1, 1] V, two outputs, node 0 ground.
inline Network random_network(std::uint64_t seed, int nodes = 20, int extra_edges = 30) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> log_k(std::log(1e-4), std::log(1e-2));
  std::uniform_real_distribution<double> volts(-1.0, 1.0);
  Network net;
  net.name = "random_" + std::to_string(seed);
  for (int v = 0; v < nodes; ++v) net.node_names.push_back(v == 0 ? "gnd" : "n" + std::to_string(v));
  auto add = [&](int a, int b) {
    net.edges.push_back(resistor("e" + std::to_string(net.edges.size()), a, b, 1.0 / std::exp(log_k(rng))));
  };
  for (int v = 1; v < nodes; ++v) add(v, std::uniform_int_distribution<int>(0, v - 1)(rng));
  for (int k = 0; k < extra_edges; ++k) {
    const int a = std::uniform_int_distribution<int>(0, nodes - 1)(rng);
    int b = std::uniform_int_distribution<int>(0, nodes - 2)(rng);
    if (b >= a) ++b;
    add(a, b);
  }
  net.inputs = {{1, volts(rng)}, {2, volts(rng)}};
  net.outputs = {nodes - 1, nodes - 2};
  return net;
}

// side x side grid, random conductances; input at a corner and the middle of an edge, ground tied
// to the opposite corner through a resistor, outputs two interior nodes.
inline Network lattice(std::uint64_t seed, int side = 6) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> log_k(std::log(1e-4), std::log(1e-2));
  Network net;
  net.name = "lattice";
  net.node_names = {"gnd"};
  auto id = [side](int r, int c) { return 1 + r * side + c; };
  for (int r = 0; r < side; ++r)
    for (int c = 0; c < side; ++c) net.node_names.push_back("x" + std::to_string(r) + "_" + std::to_string(c));
  auto add = [&](int a, int b) {
    net.edges.push_back(resistor("e" + std::to_string(net.edges.size()), a, b, 1.0 / std::exp(log_k(rng))));
  };
  for (int r = 0; r < side; ++r)
    for (int c = 0; c < side; ++c) {
      if (c + 1 < side) add(id(r, c), id(r, c + 1));
      if (r + 1 < side) add(id(r, c), id(r + 1, c));
    }
  add(id(side - 1, side - 1), 0);
  net.inputs = {{id(0, 0), 1.0}, {id(0, side / 2), -0.5}};
  net.outputs = {id(side / 2, side / 2), id(side - 2, 1)};
  return net;
}

// rows x cols crossbar: row line i driven at its left end, column line j read at its bottom end
// through a load resistor to ground; a device between row i and column j at every crossing, and
// wire segments of wire_ohms along each line.
inline Network crossbar(std::uint64_t seed, int rows, int cols, double wire_ohms = 1.0, double load_ohms = 1000.0) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> log_k(std::log(1e-5), std::log(1e-3));
  std::uniform_real_distribution<double> volts(-1.0, 1.0);
  Network net;
  net.name = "crossbar";
  net.node_names = {"gnd"};
  auto row = [cols](int i, int j) { return 1 + i * cols + j; };
  auto col = [rows, cols](int i, int j) { return 1 + rows * cols + i * cols + j; };
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) net.node_names.push_back("r" + std::to_string(i) + "_" + std::to_string(j));
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) net.node_names.push_back("c" + std::to_string(i) + "_" + std::to_string(j));
  auto add = [&](const std::string& name, int a, int b, double ohms, bool trainable) {
    Edge e = resistor(name, a, b, ohms);
    e.trainable = trainable;
    net.edges.push_back(e);
  };
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) add("g" + std::to_string(i) + "_" + std::to_string(j), row(i, j), col(i, j), 1.0 / std::exp(log_k(rng)), true);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j + 1 < cols; ++j) add("wr" + std::to_string(i) + "_" + std::to_string(j), row(i, j), row(i, j + 1), wire_ohms, false);
  for (int j = 0; j < cols; ++j)
    for (int i = 0; i + 1 < rows; ++i) add("wc" + std::to_string(i) + "_" + std::to_string(j), col(i, j), col(i + 1, j), wire_ohms, false);
  for (int j = 0; j < cols; ++j) add("load" + std::to_string(j), col(rows - 1, j), 0, load_ohms, false);
  for (int i = 0; i < rows; ++i) net.inputs.push_back({row(i, 0), volts(rng)});
  for (int j = 0; j < cols; ++j) net.outputs.push_back(col(rows - 1, j));
  return net;
}

// Two inputs feeding a node through resistors, diodes to the output and on to ground:
// in1 -R- a, in2 -R- a, a -D-> out, out -R- gnd, out -D-> b, b -R- gnd, and a reverse diode.
inline Network diode_network() {
  Network net;
  net.name = "diodes";
  net.node_names = {"gnd", "in1", "in2", "a", "out", "b"};
  net.edges = {resistor("R1", 1, 3, 1000.0), resistor("R2", 2, 3, 2200.0), diode("D1", 3, 4),
               resistor("R3", 4, 0, 4700.0),  diode("D2", 4, 5, 2e-14, 1.5), resistor("R4", 5, 0, 1000.0),
               diode("D3", 0, 3)};
  net.inputs = {{1, 2.0}, {2, 1.2}};
  net.outputs = {4};
  return net;
}

}  // namespace spiceloop::test
