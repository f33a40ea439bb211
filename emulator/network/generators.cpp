#include "emulator/network/generators.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "emulator/core/numbers.hpp"
#include "emulator/core/random.hpp"
#include "emulator/network/load.hpp"

namespace spiceloop {

namespace nl = network_limits;
using nlohmann::json;

namespace {

// The fields every element shares: its name, its nodes, its kind.
Edge placed(std::string name, int a, int b, ElementKind kind, bool trainable) {
  Edge e;
  e.name = std::move(name);
  e.a = a;
  e.b = b;
  e.kind = kind;
  e.trainable = trainable;
  return e;
}

}  // namespace

Edge resistor_edge(std::string name, int a, int b, double siemens, bool trainable) {
  Edge e = placed(std::move(name), a, b, ElementKind::Resistor, trainable);
  e.siemens = siemens;
  e.min_siemens = trainable ? nl::kDefaultMinSiemens : siemens;
  e.max_siemens = trainable ? nl::kDefaultMaxSiemens : siemens;
  return e;
}

Edge digipot_edge(std::string name, int a, int b, int taps, double r_ab_ohms, double r_wiper_ohms, int code,
                  bool trainable) {
  Edge e = placed(std::move(name), a, b, ElementKind::Digipot, trainable);
  e.taps = taps;
  e.r_ab_ohms = r_ab_ohms;
  e.r_wiper_ohms = r_wiper_ohms;
  e.code = code;
  e.siemens = digipot_siemens(e, code);
  e.min_siemens = digipot_siemens(e, taps - 1);
  e.max_siemens = digipot_siemens(e, 0);
  return e;
}

Edge diode_edge(std::string name, int a, int b, double is_amps, double emission) {
  Edge e = placed(std::move(name), a, b, ElementKind::Diode, false);
  e.is_amps = is_amps;
  e.emission = emission;
  return e;
}

Edge transistor_edge(std::string name, int a, int b, double gate_volts, bool trainable) {
  Edge e = placed(std::move(name), a, b, ElementKind::Transistor, trainable);
  e.gate_volts = gate_volts;
  e.min_gate_volts = nl::kDefaultMinGateVolts;
  e.max_gate_volts = nl::kDefaultMaxGateVolts;
  e.k_amps_per_volt2 = nl::kDefaultKAmpsPerVolt2;
  e.threshold_volts = nl::kDefaultThresholdVolts;
  e.lambda_per_volt = nl::kDefaultLambdaPerVolt;
  return e;
}

namespace {

[[noreturn]] void fail(const std::string& id, const std::string& where, const std::string& message) {
  kNetworkDocument.fail(id, where, message);
}

std::string g(double v) { return format_double(v); }

void check_template(const EdgeTemplate& t, const JsonOrigin& o) {
  if (t.kind == ElementKind::Digipot) {
    check_taps(t.taps, o.where("/edge/taps"));
    check_ohms(t.r_ab_ohms, o.where("/edge/r_ab_ohms"), "end-to-end resistance r_ab_ohms");
    check_ohms(t.r_wiper_ohms, o.where("/edge/r_wiper_ohms"), "wiper resistance r_wiper_ohms");
    check_code(t.code_low, t.taps, o.where("/edge/code"));
    check_code(t.code_high, t.taps, o.where("/edge/code"));
    if (t.code_low > t.code_high)
      fail("bounds_inverted", o.where("/edge/code"), "the lowest initial code is above the highest");
    return;
  }
  if (t.kind == ElementKind::Transistor) {
    const Edge& p = t.transistor;
    check_transistor_k(p.k_amps_per_volt2, o.where("/edge/k_amps_per_volt2"));
    if (t.low > t.high) fail("bounds_inverted", o.where("/edge/gate_volts"), "the initial gate range has min above max");
    for (double gate : {t.low, t.high})
      check_gate(gate, p.min_gate_volts, p.max_gate_volts, o.where("/edge/gate_volts"), o.where("/edge/min_gate_volts"));
    return;
  }
  if (t.kind != ElementKind::Resistor && t.kind != ElementKind::Memristor)
    fail("unknown_kind", o.where("/edge/kind"),
         "generated edges are trainable: resistors, digipots, transistors or memristors");
  if (t.kind == ElementKind::Memristor) {
    Edge m = t.memristor;
    m.min_siemens = t.min_siemens, m.max_siemens = t.max_siemens;
    check_memristor(m, [&](std::string_view key) { return o.where(pointer_append("/edge", key)); });
  }
  const std::string value_at = o.where(t.draw_ohms ? "/edge/ohms" : "/edge/siemens");
  if (t.draw_ohms) {
    check_ohms(t.low, value_at, "lowest initial resistance");
    check_ohms(t.high, value_at, "highest initial resistance");
  } else {
    check_siemens(t.low, value_at, "lowest initial conductance");
    check_siemens(t.high, value_at, "highest initial conductance");
  }
  if (t.low > t.high) fail("bounds_inverted", value_at, "the initial range has min above max");
  check_siemens(t.min_siemens, o.where("/edge/min_siemens"), "lower conductance bound");
  check_siemens(t.max_siemens, o.where("/edge/max_siemens"), "upper conductance bound");
  if (t.min_siemens > t.max_siemens)
    fail("bounds_inverted", o.where("/edge/min_siemens"), "lower conductance bound is above the upper bound");
  const double s_lo = t.draw_ohms ? 1.0 / t.high : t.low, s_hi = t.draw_ohms ? 1.0 / t.low : t.high;
  if (s_lo < t.min_siemens || s_hi > t.max_siemens)
    fail("outside_bounds", value_at,
         fmt::format("initial conductances [{}, {}] S are not inside the bounds [{}, {}] S", g(s_lo), g(s_hi),
                     g(t.min_siemens), g(t.max_siemens)));
}

Edge draw_edge(const EdgeTemplate& t, Rng& rng, std::string name, int a, int b) {
  if (t.kind == ElementKind::Transistor) {
    Edge e = t.transistor;
    e.name = std::move(name), e.a = a, e.b = b, e.trainable = true;
    e.gate_volts = rng.uniform_closed(t.low, t.high);
    return e;
  }
  if (t.kind == ElementKind::Digipot) {
    const int code = t.code_low + static_cast<int>(rng.below(static_cast<std::uint64_t>(t.code_high - t.code_low) + 1,
                                                             Rejection::Bottom));
    return digipot_edge(std::move(name), a, b, t.taps, t.r_ab_ohms, t.r_wiper_ohms, code, true);
  }
  const double v = rng.uniform_closed(t.low, t.high);
  Edge e = resistor_edge(std::move(name), a, b, t.draw_ohms ? 1.0 / v : v, true);
  if (t.kind == ElementKind::Memristor) {
    e.kind = ElementKind::Memristor;
    e.memristor = t.memristor.memristor;
    e.programmed_siemens = e.siemens;
  }
  e.min_siemens = t.min_siemens;
  e.max_siemens = t.max_siemens;
  return e;
}

void require(bool ok, const std::string& id, const std::string& where, const std::string& message) {
  if (!ok) fail(id, where, message);
}

void check_sizes(std::int64_t nodes, std::int64_t edges, const std::string& where) {
  require(nodes <= static_cast<std::int64_t>(nl::kMaxNodes), "too_large", where,
          fmt::format("this makes {} nodes, more than the limit of {}", nodes, nl::kMaxNodes));
  require(edges <= static_cast<std::int64_t>(nl::kMaxEdges), "too_large", where,
          fmt::format("this makes {} edges, more than the limit of {}", edges, nl::kMaxEdges));
}

// The requested input voltages, or +1, -1, +1, ... V.
void set_inputs(Network& net, const std::vector<int>& nodes, const std::vector<double>& volts, const JsonOrigin& o) {
  require(volts.empty() || volts.size() == nodes.size(), "count_mismatch", o.where("/input_volts"),
          fmt::format("{} input voltages for {} inputs; give one per input, or one number for all", volts.size(),
                      nodes.size()));
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const double v = volts.empty() ? (i % 2 == 0 ? 1.0 : -1.0) : volts[i];
    check_volts(v, o.where(volts.empty() ? "/input_volts" : pointer_append("/input_volts", i)));
    net.inputs.push_back({nodes[i], v});
  }
}

Network build_crossbar(const CrossbarOptions& p, const JsonOrigin& o) {
  check_name(p.name, o.where("/name"), "network name");
  require(p.rows >= 1, "out_of_range", o.where("/rows"), "a crossbar needs at least one row");
  require(p.columns >= 1, "out_of_range", o.where("/columns"), "a crossbar needs at least one column");
  const std::int64_t m = p.rows, n = p.columns;
  const bool wires = p.wire_ohms != 0.0;
  check_sizes(wires ? 1 + 2 * m * n : 1 + m + n, wires ? 3 * m * n - m : m * n + n, o.where("/rows"));
  check_ohms(p.load_ohms, o.where("/load_ohms"), "load resistance");
  if (wires) check_ohms(p.wire_ohms, o.where("/wire_ohms"), "wire resistance per segment");
  check_template(p.cell, o);

  Network net;
  net.name = p.name;
  net.node_names.push_back("gnd");
  // Node of the row line (kind 'r') or column line ('c') at cross-point (i, j).
  const auto node = [&](char kind, std::int64_t i, std::int64_t j) -> int {
    if (!wires) return static_cast<int>(kind == 'r' ? 1 + i : 1 + m + j);
    return static_cast<int>(1 + (kind == 'r' ? 0 : m * n) + i * n + j);
  };
  if (wires) {
    for (char kind : {'r', 'c'})
      for (std::int64_t i = 0; i < m; ++i)
        for (std::int64_t j = 0; j < n; ++j) net.node_names.push_back(fmt::format("{}{}_{}", kind, i, j));
  } else {
    for (std::int64_t i = 0; i < m; ++i) net.node_names.push_back(fmt::format("r{}", i));
    for (std::int64_t j = 0; j < n; ++j) net.node_names.push_back(fmt::format("c{}", j));
  }

  Rng rng(p.seed);
  net.edges.reserve(static_cast<std::size_t>(wires ? 3 * m * n - m : m * n + n));
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t j = 0; j < n; ++j)
      net.edges.push_back(draw_edge(p.cell, rng, fmt::format("x{}_{}", i, j), node('r', i, j), node('c', i, j)));
  for (std::int64_t j = 0; j < n; ++j)
    net.edges.push_back(resistor_edge(fmt::format("load{}", j), node('c', m - 1, j), 0, 1.0 / p.load_ohms));
  if (wires) {
    for (std::int64_t i = 0; i < m; ++i)
      for (std::int64_t j = 0; j + 1 < n; ++j)
        net.edges.push_back(resistor_edge(fmt::format("wr{}_{}", i, j), node('r', i, j), node('r', i, j + 1),
                                          1.0 / p.wire_ohms));
    for (std::int64_t i = 0; i + 1 < m; ++i)
      for (std::int64_t j = 0; j < n; ++j)
        net.edges.push_back(resistor_edge(fmt::format("wc{}_{}", i, j), node('c', i, j), node('c', i + 1, j),
                                          1.0 / p.wire_ohms));
  }

  std::vector<int> in_nodes;
  for (std::int64_t i = 0; i < m; ++i) in_nodes.push_back(node('r', i, 0));
  set_inputs(net, in_nodes, p.input_volts, o);
  for (std::int64_t j = 0; j < n; ++j) net.outputs.push_back(node('c', m - 1, j));
  validate_network(net);
  return net;
}

// Input and output nodes given by name: each a node, off the ground, used once.
std::vector<int> named_nodes(const std::vector<std::string>& names, const std::unordered_map<std::string, int>& index,
                             std::vector<int>& role, int role_id, const std::string& key, const JsonOrigin& o) {
  std::vector<int> out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string where = o.where(pointer_append(key, i));
    const auto it = index.find(names[i]);
    require(it != index.end(), "unknown_node", where,
            fmt::format("{} is not a lattice node; nodes are named n<x>_<y>", json_quote(names[i])));
    require(it->second != 0, key == "/inputs" ? "input_on_ground" : "output_on_ground", where,
            fmt::format("{} is the ground; choose another node", json_quote(names[i])));
    require(role[it->second] < 0, role[it->second] == role_id ? (role_id == 0 ? "duplicate_input" : "duplicate_output")
                                                              : "input_is_output",
            where, fmt::format("node {} is already an input or output", json_quote(names[i])));
    role[it->second] = role_id;
    out.push_back(it->second);
  }
  return out;
}

// k inputs then l outputs drawn from the candidates, each list sorted by node index.
std::pair<std::vector<int>, std::vector<int>> draw_boundary(std::vector<int> candidates, int k, int l, Rng& rng) {
  rng.shuffle(candidates, Rejection::Bottom);
  std::vector<int> in(candidates.begin(), candidates.begin() + k);
  std::vector<int> out(candidates.begin() + k, candidates.begin() + k + l);
  std::sort(in.begin(), in.end());
  std::sort(out.begin(), out.end());
  return {in, out};
}

void check_boundary_counts(int k, int l, std::int64_t available, const JsonOrigin& o) {
  require(k >= 1, "out_of_range", o.where("/inputs"), "at least one input is needed");
  require(l >= 0, "out_of_range", o.where("/outputs"), "the output count cannot be negative");
  require(static_cast<std::int64_t>(k) + l <= available, "out_of_range", o.where("/inputs"),
          fmt::format("{} inputs and {} outputs need {} distinct non-ground nodes, but there are {}", k, l, k + l,
                      available));
}

Network build_lattice(const LatticeOptions& p, const JsonOrigin& o) {
  check_name(p.name, o.where("/name"), "network name");
  require(p.width >= 1, "out_of_range", o.where("/width"), "the width must be at least 1");
  require(p.height >= 1, "out_of_range", o.where("/height"), "the height must be at least 1");
  const std::int64_t w = p.width, h = p.height;
  require(w * h >= 2, "out_of_range", o.where("/width"), "a lattice needs at least two nodes");
  // Narrower wrap-arounds would make self loops (1) or parallel edges (2).
  require(!p.periodic || (w >= 3 && h >= 3), "out_of_range", o.where("/periodic"),
          "a periodic lattice needs width and height of at least 3");
  const std::int64_t edge_count = p.periodic ? 2 * w * h : (w - 1) * h + w * (h - 1);
  check_sizes(w * h, edge_count, o.where("/width"));
  check_template(p.edge, o);

  std::unordered_map<std::string, int> lattice_id;
  lattice_id.reserve(static_cast<std::size_t>(w * h));
  for (std::int64_t y = 0; y < h; ++y)
    for (std::int64_t x = 0; x < w; ++x) lattice_id.emplace(fmt::format("n{}_{}", x, y), static_cast<int>(y * w + x));
  const auto g_it = lattice_id.find(p.ground);
  require(g_it != lattice_id.end(), "unknown_node", o.where("/ground"),
          fmt::format("{} is not a lattice node; nodes are named n<x>_<y> with 0 <= x < {}, 0 <= y < {}",
                      json_quote(p.ground), w, h));
  const int ground_id = g_it->second;

  // Node order: the ground, then the others row-major.
  Network net;
  net.name = p.name;
  std::vector<int> node_of(static_cast<std::size_t>(w * h));
  net.node_names.push_back(p.ground);
  node_of[ground_id] = 0;
  for (std::int64_t y = 0; y < h; ++y)
    for (std::int64_t x = 0; x < w; ++x)
      if (y * w + x != ground_id) {
        node_of[y * w + x] = net.node_count();
        net.node_names.push_back(fmt::format("n{}_{}", x, y));
      }
  std::unordered_map<std::string, int> index;
  for (int i = 0; i < net.node_count(); ++i) index.emplace(net.node_names[i], i);

  // Listed inputs and outputs first; counts are drawn from the nodes left over.
  Rng rng(p.seed);
  std::vector<int> role(net.node_count(), -1), in_nodes, out_nodes;
  if (p.input_nodes) {
    in_nodes = named_nodes(*p.input_nodes, index, role, 0, "/inputs", o);
    require(!in_nodes.empty(), "no_inputs", o.where("/inputs"), "at least one input is needed");
  }
  if (p.output_nodes) out_nodes = named_nodes(*p.output_nodes, index, role, 1, "/outputs", o);
  const int k = p.input_nodes ? 0 : p.input_count, l = p.output_nodes ? 0 : p.output_count;
  if (!p.input_nodes || !p.output_nodes) {
    std::vector<int> free;
    for (int i = 1; i < net.node_count(); ++i)
      if (role[i] < 0) free.push_back(i);
    check_boundary_counts(p.input_nodes ? 1 : k, l, static_cast<std::int64_t>(free.size()) + (p.input_nodes ? 1 : 0), o);
    auto [drawn_in, drawn_out] = draw_boundary(std::move(free), k, l, rng);
    if (!p.input_nodes) in_nodes = std::move(drawn_in);
    if (!p.output_nodes) out_nodes = std::move(drawn_out);
  }

  const auto at = [&](std::int64_t x, std::int64_t y) { return node_of[((y + h) % h) * w + (x + w) % w]; };
  net.edges.reserve(static_cast<std::size_t>(edge_count));
  for (std::int64_t y = 0; y < h; ++y)
    for (std::int64_t x = 0; x < w; ++x)
      if (x + 1 < w || p.periodic)
        net.edges.push_back(draw_edge(p.edge, rng, fmt::format("h{}_{}", x, y), at(x, y), at(x + 1, y)));
  for (std::int64_t y = 0; y < h; ++y)
    for (std::int64_t x = 0; x < w; ++x)
      if (y + 1 < h || p.periodic)
        net.edges.push_back(draw_edge(p.edge, rng, fmt::format("v{}_{}", x, y), at(x, y), at(x, y + 1)));

  set_inputs(net, in_nodes, p.input_volts, o);
  net.outputs = out_nodes;
  validate_network(net);
  return net;
}

Network build_random_graph(const RandomGraphOptions& p, const JsonOrigin& o) {
  check_name(p.name, o.where("/name"), "network name");
  const std::int64_t n = p.nodes, m = p.edges;
  require(n >= 2, "out_of_range", o.where("/nodes"), "a network needs at least two nodes");
  check_sizes(n, m, o.where("/nodes"));
  const std::int64_t most = n * (n - 1) / 2;
  require(m >= n - 1 && m <= most, "out_of_range", o.where("/edges"),
          fmt::format("{} connected nodes take between {} (a tree) and {} (complete) edges, not {}", n, n - 1, most,
                      m));
  check_boundary_counts(p.input_count, p.output_count, n - 1, o);
  check_template(p.edge, o);

  Rng rng(p.seed);
  std::vector<std::pair<int, int>> pairs;
  pairs.reserve(static_cast<std::size_t>(m));
  std::unordered_set<std::uint64_t> used;
  used.reserve(static_cast<std::size_t>(m));
  const auto add = [&](int a, int b) {
    if (a > b) std::swap(a, b);
    if (a == b || !used.insert(static_cast<std::uint64_t>(a) * static_cast<std::uint64_t>(n) + b).second) return;
    pairs.emplace_back(a, b);
  };
  std::vector<int> order(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) order[i] = i;
  rng.shuffle(order, Rejection::Bottom);
  for (std::size_t i = 1; i < order.size(); ++i) add(order[i], order[rng.below(i, Rejection::Bottom)]);
  while (static_cast<std::int64_t>(pairs.size()) < m)
    add(static_cast<int>(rng.below(n, Rejection::Bottom)), static_cast<int>(rng.below(n, Rejection::Bottom)));

  Network net;
  net.name = p.name;
  net.node_names.push_back("gnd");
  for (std::int64_t i = 1; i < n; ++i) net.node_names.push_back(fmt::format("n{}", i));
  std::vector<int> candidates(static_cast<std::size_t>(n - 1));
  for (int i = 0; i + 1 < n; ++i) candidates[i] = i + 1;
  auto [in_nodes, out_nodes] = draw_boundary(std::move(candidates), p.input_count, p.output_count, rng);
  net.edges.reserve(pairs.size());
  for (std::size_t j = 0; j < pairs.size(); ++j)
    net.edges.push_back(draw_edge(p.edge, rng, fmt::format("e{}", j), pairs[j].first, pairs[j].second));
  set_inputs(net, in_nodes, p.input_volts, o);
  net.outputs = out_nodes;
  validate_network(net);
  return net;
}

Network build_layered(const LayeredOptions& p, const JsonOrigin& o) {
  check_name(p.name, o.where("/name"), "network name");
  const std::size_t depth = p.layers.size();
  require(depth >= 2, "out_of_range", o.where("/layers"),
          "a layered network needs at least two layers (features and outputs), e.g. [2, 4, 1]");
  std::int64_t nodes = 1, edges = 0;
  for (std::size_t l = 0; l < depth; ++l) {
    require(p.layers[l] >= 1, "out_of_range", o.where(pointer_append("/layers", l)),
            fmt::format("layer {} has {} nodes; every layer needs at least one", l, p.layers[l]));
    require(p.layers[l] <= static_cast<int>(nl::kMaxNodes), "too_large", o.where(pointer_append("/layers", l)),
            fmt::format("layer {} has {} nodes, more than the limit of {}", l, p.layers[l], nl::kMaxNodes));
  }
  const auto width = [&](std::size_t l) -> std::int64_t { return l == 0 ? 2 * std::int64_t{p.layers[0]} : p.layers[l]; };
  const std::int64_t bias_count = static_cast<std::int64_t>(p.bias_volts.size());
  std::int64_t diode_nodes = 0;
  for (std::size_t l = 0; l < depth; ++l) {
    nodes += width(l);
    if (l + 1 < depth) edges += width(l) * width(l + 1);
    if (l > 0) edges += bias_count * width(l);
    const bool nonlinear = p.diodes == LayeredOptions::Diodes::All ||
                           (p.diodes == LayeredOptions::Diodes::Hidden && l + 1 < depth);
    if (l > 0 && nonlinear) diode_nodes += width(l);
  }
  nodes += bias_count + 2;  // at most two rail nodes
  edges += 2 * diode_nodes;
  check_sizes(nodes, edges, o.where("/layers"));
  require(p.input_volts.empty() || p.input_volts.size() == static_cast<std::size_t>(p.layers[0]), "count_mismatch",
          o.where("/input_volts"),
          fmt::format("{} input voltages for {} features; give one x per feature (its pair is driven at +x and -x), "
                      "or one number for all",
                      p.input_volts.size(), p.layers[0]));
  for (std::size_t i = 0; i < p.input_volts.size(); ++i) {
    check_volts(p.input_volts[i], o.where(pointer_append("/input_volts", i)));
    check_volts(-p.input_volts[i], o.where(pointer_append("/input_volts", i)));
  }
  for (std::size_t k = 0; k < p.bias_volts.size(); ++k) check_volts(p.bias_volts[k], o.where(pointer_append("/bias_volts", k)));
  check_volts(p.rail_low_volts, o.where("/diode_rails_volts/0"));
  check_volts(p.rail_high_volts, o.where("/diode_rails_volts/1"));
  require(p.rail_low_volts <= p.rail_high_volts, "bounds_inverted", o.where("/diode_rails_volts"),
          "the low rail is above the high rail: give [low, high]");
  check_in_range(p.diode_is_amps, nl::kMinIsAmps, nl::kMaxIsAmps, o.where("/diode/is_amps"), "is_amps", "A");
  check_in_range(p.diode_emission, nl::kMinEmission, nl::kMaxEmission, o.where("/diode/emission"), "emission", "");
  check_template(p.edge, o);

  Network net;
  net.name = p.name;
  net.node_names.push_back("gnd");
  const auto add_node = [&](std::string name) {
    net.node_names.push_back(std::move(name));
    return net.node_count() - 1;
  };
  // layer_nodes[l]: the node indices of layer l.
  std::vector<std::vector<int>> layer_nodes(depth);
  for (int i = 0; i < p.layers[0]; ++i) {
    const double x = p.input_volts.empty() ? 1.0 : p.input_volts[i];
    layer_nodes[0].push_back(add_node(fmt::format("x{}p", i)));
    net.inputs.push_back({layer_nodes[0].back(), x});
    layer_nodes[0].push_back(add_node(fmt::format("x{}n", i)));
    net.inputs.push_back({layer_nodes[0].back(), -x});
  }
  // A bias or rail at 0 V is the ground itself, and something must join the network to it.
  const bool any_diodes = p.diodes != LayeredOptions::Diodes::None && (depth > 2 || p.diodes == LayeredOptions::Diodes::All);
  const bool grounded = (any_diodes && (p.rail_low_volts == 0.0 || p.rail_high_volts == 0.0)) ||
                        std::find(p.bias_volts.begin(), p.bias_volts.end(), 0.0) != p.bias_volts.end();
  require(grounded, "floating_node", o.where("/bias_volts"),
          "nothing joins the network to the ground: its inputs are sources to ground, but a node needs a path "
          "through edges; put a diode rail at 0 V or add a 0 V entry to bias_volts");
  std::vector<int> bias_nodes;
  for (std::size_t k = 0; k < p.bias_volts.size(); ++k) {
    if (p.bias_volts[k] == 0.0) {
      bias_nodes.push_back(0);
      continue;
    }
    bias_nodes.push_back(add_node(fmt::format("b{}", k)));
    net.inputs.push_back({bias_nodes.back(), p.bias_volts[k]});
  }
  int rail_low = 0, rail_high = 0;
  if (any_diodes) {
    const auto rail = [&](double volts, const char* name) {
      if (volts == 0.0) return 0;
      const int node = add_node(name);
      net.inputs.push_back({node, volts});
      return node;
    };
    if (p.rail_low_volts == p.rail_high_volts) {
      rail_low = rail_high = rail(p.rail_low_volts, "rail");
    } else {
      rail_low = rail(p.rail_low_volts, "rail_lo");
      rail_high = rail(p.rail_high_volts, "rail_hi");
    }
  }
  for (std::size_t l = 1; l < depth; ++l)
    for (int j = 0; j < p.layers[l]; ++j)
      layer_nodes[l].push_back(add_node(l + 1 < depth ? fmt::format("h{}_{}", l, j) : fmt::format("o{}", j)));
  net.outputs = layer_nodes[depth - 1];

  Rng rng(p.seed);
  net.edges.reserve(static_cast<std::size_t>(edges));
  for (std::size_t l = 0; l + 1 < depth; ++l)
    for (std::size_t i = 0; i < layer_nodes[l].size(); ++i)
      for (std::size_t j = 0; j < layer_nodes[l + 1].size(); ++j)
        net.edges.push_back(draw_edge(p.edge, rng, fmt::format("w{}_{}_{}", l, i, j), layer_nodes[l][i],
                                      layer_nodes[l + 1][j]));
  for (std::size_t k = 0; k < bias_nodes.size(); ++k)
    for (std::size_t l = 1; l < depth; ++l)
      for (int node : layer_nodes[l])
        net.edges.push_back(draw_edge(p.edge, rng, fmt::format("b{}_{}", k, net.node_names[node]), node, bias_nodes[k]));
  for (std::size_t l = 1; l < depth; ++l) {
    if (p.diodes == LayeredOptions::Diodes::None || (p.diodes == LayeredOptions::Diodes::Hidden && l + 1 == depth))
      continue;
    for (int node : layer_nodes[l]) {
      const std::string& n = net.node_names[node];
      net.edges.push_back(diode_edge(fmt::format("du_{}", n), node, rail_high, p.diode_is_amps, p.diode_emission));
      net.edges.push_back(diode_edge(fmt::format("dd_{}", n), rail_low, node, p.diode_is_amps, p.diode_emission));
    }
  }
  validate_network(net);
  return net;
}

constexpr std::string_view kCommonKeys[] = {"spiceloop", "generator", "name", "description", "seed", "edge",
                                            "input_volts"};

std::vector<std::string_view> with_common(std::initializer_list<std::string_view> own) {
  std::vector<std::string_view> out(std::begin(kCommonKeys), std::end(kCommonKeys));
  out.insert(out.end(), own.begin(), own.end());
  return out;
}

int read_int(const JsonObject& s, std::string_view key, int fallback) {
  if (!s.has(key)) return fallback;
  const std::int64_t v = s.integer(key);
  // Wider than any limit, narrow enough for int; the generator checks the real range.
  if (v < -1'000'000'000 || v > 1'000'000'000)
    s.fail("out_of_range", key, fmt::format("{} = {} is far outside any usable size", json_quote(key), v));
  return static_cast<int>(v);
}

std::vector<double> read_volts(const JsonObject& s, std::size_t count) {
  if (!s.has("input_volts")) return {};
  const JsonValue v = s.member("input_volts");
  // One number for every input (a count beyond the limits is refused by the generator anyway).
  if (v.json().is_number()) return std::vector<double>(std::min(count, nl::kMaxNodes), v.number());
  if (!v.json().is_array()) v.wrong_type("a number (for every input) or an array of numbers");
  std::vector<double> out;
  for (std::size_t i = 0; i < v.json().size(); ++i) out.push_back(v.element(i, "an input voltage").number());
  return out;
}

// A template's "siemens", "ohms" or "code" may be a range {"min": x, "max": y}. Both ends are read
// as single-valued templates by the edge parser, so they pass exactly the checks an edge would.
EdgeTemplate read_template(const JsonObject& s) {
  EdgeTemplate t;
  const json* tj = s.find("edge");
  if (!tj) return t;
  const std::string at = s.pointer("edge");
  const JsonObject obj(*tj, s.kind(), s.origin(), at, "an edge template");
  json low = *tj, high = *tj;
  for (const char* key : {"siemens", "ohms", "code", "gate_volts"}) {
    const json* v = obj.find(key);
    if (!v || !v->is_object()) continue;
    const JsonObject range(*v, s.kind(), s.origin(), obj.pointer(key), "a range");
    range.allow_only({"min", "max"});
    if (std::string_view(key) == "code") {
      low[key] = range.integer("min");
      high[key] = range.integer("max");
    } else if (std::string_view(key) == "gate_volts") {
      low[key] = range.number("min");  // each end is checked against the bounds as an edge's gate
      high[key] = range.number("max");
    } else {
      const bool ohms = std::string_view(key) == "ohms";
      for (const char* end : {"min", "max"}) {
        const double x = range.number(end);
        ohms ? check_ohms(x, range.where(end), "resistance") : check_siemens(x, range.where(end), "conductance");
      }
      low[key] = range.number("min");
      high[key] = range.number("max");
    }
    if (low[key].get<double>() > high[key].get<double>())
      range.fail("bounds_inverted", "min", "the range's min is above its max; swap them");
  }
  const Edge lo = parse_element(JsonObject(low, s.kind(), s.origin(), at, "an edge template"), ElementUse::GeneratorTemplate);
  const Edge hi = parse_element(JsonObject(high, s.kind(), s.origin(), at, "an edge template"), ElementUse::GeneratorTemplate);
  t.kind = lo.kind;
  if (t.kind == ElementKind::Digipot) {
    t.taps = lo.taps;
    t.r_ab_ohms = lo.r_ab_ohms;
    t.r_wiper_ohms = lo.r_wiper_ohms;
    t.code_low = lo.code;
    t.code_high = hi.code;
  } else if (t.kind == ElementKind::Transistor) {
    t.transistor = lo;
    t.low = lo.gate_volts;
    t.high = hi.gate_volts;
  } else {
    if (t.kind == ElementKind::Memristor) t.memristor = lo;
    t.draw_ohms = obj.has("ohms");
    t.low = low[t.draw_ohms ? "ohms" : "siemens"].get<double>();
    t.high = high[t.draw_ohms ? "ohms" : "siemens"].get<double>();
    t.min_siemens = lo.min_siemens;
    t.max_siemens = lo.max_siemens;
  }
  return t;
}

// Inputs and outputs of a lattice: a count, or an array of node names.
void read_boundary(const JsonObject& s, std::string_view key, int& count,
                   std::optional<std::vector<std::string>>& names) {
  if (!s.has(key)) return;
  const JsonValue v = s.member(key);
  if (v.json().is_array()) {
    names.emplace();
    for (std::size_t i = 0; i < v.json().size(); ++i) names->push_back(v.element(i, "a node name").string());
    return;
  }
  count = read_int(s, key, count);
}

}  // namespace

Network make_crossbar(const CrossbarOptions& options) { return build_crossbar(options, JsonOrigin{}); }
Network make_lattice(const LatticeOptions& options) { return build_lattice(options, JsonOrigin{}); }
Network make_random_graph(const RandomGraphOptions& options) { return build_random_graph(options, JsonOrigin{}); }
Network make_layered(const LayeredOptions& options) { return build_layered(options, JsonOrigin{}); }

Network generate_network(const json& spec, const std::string& source, const std::string& base_pointer) {
  const JsonOrigin origin{source, base_pointer};
  const JsonObject s(spec, kNetworkDocument, origin, "", "a generator spec");
  check_format_version(s, false);
  const std::string generator =
      s.member("generator").choice({"crossbar", "lattice", "random", "layered"}, "unknown_generator");
  // The keys every generator reads last (kCommonKeys): the edge template, the seed, and the input
  // voltages, whose count the generator's own keys decide.
  const auto read_common = [&](auto& p, EdgeTemplate& edge, std::size_t inputs) {
    edge = read_template(s);
    p.seed = s.unsigned_integer("seed", 0);
    p.input_volts = read_volts(s, inputs);
  };
  if (generator == "crossbar") {
    s.allow_only(with_common({"rows", "columns", "load_ohms", "wire_ohms"}));
    CrossbarOptions p;
    p.name = s.string("name", p.name);
    p.rows = read_int(s, "rows", p.rows);
    p.columns = read_int(s, "columns", p.columns);
    p.load_ohms = s.number("load_ohms", p.load_ohms);
    p.wire_ohms = s.number("wire_ohms", p.wire_ohms);
    read_common(p, p.cell, static_cast<std::size_t>(std::max(p.rows, 0)));
    return build_crossbar(p, origin);
  }
  if (generator == "lattice") {
    s.allow_only(with_common({"width", "height", "periodic", "ground", "inputs", "outputs"}));
    LatticeOptions p;
    p.name = s.string("name", p.name);
    p.width = read_int(s, "width", p.width);
    p.height = read_int(s, "height", p.height);
    p.periodic = s.boolean("periodic", p.periodic);
    p.ground = s.string("ground", p.ground);
    read_boundary(s, "inputs", p.input_count, p.input_nodes);
    read_boundary(s, "outputs", p.output_count, p.output_nodes);
    read_common(p, p.edge,
                p.input_nodes ? p.input_nodes->size() : static_cast<std::size_t>(std::max(p.input_count, 0)));
    return build_lattice(p, origin);
  }
  if (generator == "layered") {
    s.allow_only(with_common({"layers", "bias_volts", "diodes", "diode_rails_volts", "diode"}));
    LayeredOptions p;
    p.name = s.string("name", p.name);
    if (s.has("layers")) {
      const JsonValue v = s.member("layers");
      if (!v.json().is_array()) v.wrong_type("an array of layer sizes, e.g. [2, 4, 1]");
      p.layers.clear();
      for (std::size_t l = 0; l < v.json().size(); ++l) {
        const JsonValue size = v.element(l, "a layer size");
        const std::int64_t n = size.integer();
        // Only what fits an int here; build_layered checks the real range.
        if (n < 0 || n > static_cast<std::int64_t>(nl::kMaxNodes))
          size.fail(n < 0 ? "out_of_range" : "too_large", fmt::format("a layer of {} nodes; give 1 .. {}", n, nl::kMaxNodes));
        p.layers.push_back(static_cast<int>(n));
      }
    }
    if (s.has("bias_volts")) {
      const JsonValue v = s.member("bias_volts");
      p.bias_volts = v.json().is_number() ? std::vector<double>{v.number()} : v.numbers();
    }
    const std::string diodes = s.choice("diodes", {"hidden", "all", "none"}, "hidden");
    p.diodes = diodes == "all"    ? LayeredOptions::Diodes::All
               : diodes == "none" ? LayeredOptions::Diodes::None
                                  : LayeredOptions::Diodes::Hidden;
    if (s.has("diode_rails_volts")) {
      const JsonValue v = s.member("diode_rails_volts");
      if (v.json().is_number()) {
        p.rail_low_volts = p.rail_high_volts = v.number();
      } else {
        const std::vector<double> rails = v.numbers();
        if (rails.size() != 2)
          s.fail("count_mismatch", "diode_rails_volts",
                 fmt::format("{} rail voltages; give [low, high], or one number for both", rails.size()));
        p.rail_low_volts = rails[0], p.rail_high_volts = rails[1];
      }
    }
    if (s.has("diode")) {
      const JsonObject d = s.object("diode", "a diode (is_amps, emission)");
      d.allow_only({"is_amps", "emission"});
      p.diode_is_amps = d.number("is_amps", p.diode_is_amps);
      p.diode_emission = d.number("emission", p.diode_emission);
    }
    read_common(p, p.edge, p.layers.empty() ? 0 : static_cast<std::size_t>(std::max(p.layers[0], 0)));
    return build_layered(p, origin);
  }
  // "random"
  s.allow_only(with_common({"nodes", "edges", "inputs", "outputs"}));
  RandomGraphOptions p;
  p.name = s.string("name", p.name);
  p.nodes = read_int(s, "nodes", p.nodes);
  p.edges = read_int(s, "edges", p.edges);
  p.input_count = read_int(s, "inputs", p.input_count);
  p.output_count = read_int(s, "outputs", p.output_count);
  read_common(p, p.edge, static_cast<std::size_t>(std::max(p.input_count, 0)));
  return build_random_graph(p, origin);
}

}  // namespace spiceloop
