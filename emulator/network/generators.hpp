// Network generators (crossbar, square lattice, random connected graph, dense layered network),
// callable from code or from a JSON spec {"generator": "crossbar", ...} (keys in
// netlists/README.md). Every generated network is checked by validate_network before it is returned.
//
// Determinism: one Rng (emulator/core/random.hpp: std::mt19937_64, fixed by the C++ standard)
// seeded with `seed`, drawing with uniform_closed and Rejection::Bottom, never with
// std::uniform_*_distribution (whose output is implementation-defined). The same spec gives the
// same network on every platform.
// The draws come in a documented order (see each generator); changing it changes saved networks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/network/network.hpp"
#include "emulator/network/validate.hpp"

namespace spiceloop {

Edge transistor_edge(std::string name, int a, int b, double gate_volts, bool trainable);

// How generated trainable edges start. One draw per edge, in edge order.
struct EdgeTemplate {
  ElementKind kind = ElementKind::Resistor;  // Resistor, Digipot, Transistor or Memristor
  // Resistor and memristor: initial value uniform in [low, high], in siemens, or in ohms when draw_ohms.
  // Transistor: initial gate voltage uniform in [low, high] volts; the rest from `transistor`.
  double low = 1e-3;
  double high = 1e-3;
  bool draw_ohms = false;
  double min_siemens = network_limits::kDefaultMinSiemens;
  double max_siemens = network_limits::kDefaultMaxSiemens;
  // Digipot: geometry, and the initial code uniform in code_low..code_high.
  int taps = 128;
  double r_ab_ohms = 1e4;
  double r_wiper_ohms = 50.0;
  int code_low = 64;
  int code_high = 64;
  // Transistor: K, V_T, lambda and gate bounds (its name, nodes and gate voltage are replaced).
  Edge transistor = transistor_edge("t", 0, 0, 5.0, true);
  // Memristor: its device parameters (Edge::memristor; value and bounds as a resistor's).
  Edge memristor;
};

// M x N crossbar. Row i is driven by input i; column j is output j, loaded to ground by a fixed
// load_ohms resistor; cross-point (i, j) is a trainable edge "x<i>_<j>".
// Ideal lines (wire_ohms == 0): nodes gnd, r<i>, c<j>: 1 + M + N nodes, M N + N edges.
// With wire_ohms > 0 each cross-point has a row-line node r<i>_<j> and a column-line node c<i>_<j>;
// the source drives r<i>_0, the load hangs at c<M-1>_<j> (the output), and consecutive nodes along
// a line are joined by fixed wires wr<i>_<j> (r<i>_<j> - r<i>_<j+1>) and wc<i>_<j> (c<i>_<j> -
// c<i+1>_<j>): 1 + 2 M N nodes, M N cells + N loads + M (N-1) + (M-1) N wires = 3 M N - M edges.
// Draws: one per cell, row-major.
struct CrossbarOptions {
  std::string name = "crossbar";
  int rows = 4;
  int columns = 4;
  std::vector<double> input_volts;  // one per row; empty: +1, -1, +1, ... V
  double load_ohms = 1e3;
  double wire_ohms = 0.0;
  EdgeTemplate cell;
  std::uint64_t seed = 0;
};

// What the lattice and the random graph share: inputs and outputs drawn by seed among the nodes,
// and trainable edges drawn from one template.
struct DrawnBoundaryOptions {
  int input_count = 2;
  int output_count = 1;
  std::vector<double> input_volts;  // one per input; empty: +1, -1, +1, ... V
  EdgeTemplate edge;
  std::uint64_t seed = 0;
};

// W x H square lattice of trainable edges, nodes n<x>_<y> (0 <= x < W, 0 <= y < H). Edges
// h<x>_<y> join (x, y) to (x+1, y), v<x>_<y> join (x, y) to (x, y+1); periodic adds the wrap-around
// edges (then W, H >= 3, and there are 2 W H edges; else (W-1) H + W (H-1)). The ground is one of
// the lattice nodes. Inputs and outputs are the listed nodes, or else input_count and output_count
// nodes drawn by seed from the non-ground nodes not listed. Draws: the input/output shuffle (when
// anything is drawn), then one per edge, all h edges then all v edges, each row-major.
struct LatticeOptions : DrawnBoundaryOptions {
  std::string name = "lattice";
  int width = 4;
  int height = 4;
  bool periodic = false;
  std::string ground = "n0_0";
  std::optional<std::vector<std::string>> input_nodes;   // if set, input_count is ignored
  std::optional<std::vector<std::string>> output_nodes;  // if set, output_count is ignored
};

// Random connected graph: nodes gnd (index 0), n1 .. n<N-1>; edges e0 .. e<M-1>, no self loops or
// parallel edges. Connected by construction: a random spanning tree (a shuffled node order, each
// node joined to a uniformly drawn earlier one), then uniformly drawn extra pairs, rejecting repeats.
// Draws: the tree shuffle and parents, the extra pairs, the shuffle choosing inputs then outputs
// among n1 .. n<N-1>, then one per edge in edge order.
struct RandomGraphOptions : DrawnBoundaryOptions {
  std::string name = "random";
  int nodes = 8;
  int edges = 16;
};

// Dense layered network in the style of Kendall et al. 2020 ("Training end-to-end analog neural
// networks with equilibrium propagation") and EBANA (Watfa et al.). layers = {n0, n1, ..., nL}: n0
// features, hidden layers n1 .. n(L-1), nL outputs.
// - Inputs as +/- pairs: feature i is two input nodes x<i>p and x<i>n driven at +x and -x, so that
//   positive conductances can weigh a feature either way.
// - Trainable conductances w<l>_<i>_<j> from every node i of layer l to every node j of layer l+1
//   (layer 0 counts its 2 n0 pair nodes, in the order x0p, x0n, x1p, ...). Hidden nodes h<l>_<j>,
//   output nodes o<j>.
// - Bias: one fixed-voltage input node b<k> per bias_volts entry (an entry of 0 V is the ground),
//   joined to every hidden and output node by a trainable conductance b<k>_<node> (node -> b<k>).
//   Some bias or rail must be at 0 V: the validator wants every node joined to the ground by edges.
// - Nonlinearity: at each hidden node (and output node with Diodes::All) a diode pair, "du_<node>"
//   from the node to the high rail and "dd_<node>" from the low rail to the node, which holds the
//   node within about [low - 0.6 V, high + 0.6 V]. A rail at 0 V is the ground; another is a fixed
//   input node rail_lo / rail_hi (one node "rail" when both are equal).
// Inputs in order: the pair nodes, the bias nodes, the rails (so a task drives the pairs first).
// Fixed-gain amplification between layers is not offered: see netlists/README.md (layered).
// Draws: one per trainable edge in edge order (weights layer by layer, source-major, then biases).
struct LayeredOptions {
  enum class Diodes { Hidden, All, None };
  std::string name = "layered";
  std::vector<int> layers = {2, 4, 1};
  std::vector<double> input_volts;               // x per feature (pair at +x, -x); empty: 1 V each
  std::vector<double> bias_volts = {1.0, -1.0};  // one bias node per entry
  double rail_low_volts = 0.0, rail_high_volts = 0.0;
  Diodes diodes = Diodes::Hidden;
  double diode_is_amps = 1e-14;
  double diode_emission = 1.0;
  EdgeTemplate edge;
  std::uint64_t seed = 0;
};

Network make_crossbar(const CrossbarOptions& options);
Network make_lattice(const LatticeOptions& options);
Network make_random_graph(const RandomGraphOptions& options);
Network make_layered(const LayeredOptions& options);

// A spec {"generator": "crossbar" | "lattice" | "random" | "layered", ...}, validated key by key like a network
// document ("spiceloop": 1 is optional here). source and base_pointer as in parse_network.
Network generate_network(const nlohmann::json& spec, const std::string& source = "",
                         const std::string& base_pointer = "");

// Edges built in code with consistent fields. A trainable resistor gets the default bounds, a fixed
// one the bounds [siemens, siemens]; a digipot's conductance and bounds follow its code and end codes.
Edge resistor_edge(std::string name, int a, int b, double siemens, bool trainable = false);
Edge digipot_edge(std::string name, int a, int b, int taps, double r_ab_ohms, double r_wiper_ohms, int code,
                  bool trainable = false);
Edge diode_edge(std::string name, int a, int b, double is_amps = 1e-14, double emission = 1.0);
// A transistor with the lab's defaults (validate.hpp network_limits) and the given gate voltage.
Edge transistor_edge(std::string name, int a, int b, double gate_volts, bool trainable = false);

}  // namespace spiceloop
