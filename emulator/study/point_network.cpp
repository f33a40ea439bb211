#include "emulator/study/point_network.hpp"

#include <algorithm>

#include "emulator/core/error.hpp"
#include "emulator/core/random.hpp"
#include "emulator/network/generators.hpp"
#include "emulator/network/load.hpp"

namespace spiceloop::study {

namespace {

int add_node(Network& net, const std::string& name) {
  net.node_names.push_back(name);
  return net.node_count() - 1;
}

void add_load(Network& net, double ohms) {
  for (std::size_t o = 0; o < net.outputs.size(); ++o)
    net.edges.push_back(resistor_edge("load" + std::to_string(o), net.outputs[o], 0, 1.0 / ohms));
}

void add_source_resistors(Network& net, double ohms) {
  for (std::size_t i = 0; i < net.inputs.size(); ++i) {
    const int old_node = net.inputs[i].node;
    const int src = add_node(net, "src" + std::to_string(i));
    net.inputs[i].node = src;
    net.edges.push_back(resistor_edge("rsrc" + std::to_string(i), src, old_node, 1.0 / ohms));
  }
}

void add_wipers(Network& net, double ohms) {
  const std::size_t n = net.edges.size();
  for (std::size_t j = 0; j < n; ++j) {
    if (!net.edges[j].trainable || !net.edges[j].is_linear()) continue;
    const int w = add_node(net, "w_" + net.edges[j].name);
    const int b = net.edges[j].b;
    net.edges[j].b = w;
    net.edges.push_back(resistor_edge("wiper_" + net.edges[j].name, w, b, 1.0 / ohms));
  }
}

// Mid-scale code at the present resistance; a wiper of 1e-6 of it keeps code 0 finite.
void to_digipots(Network& net, int taps) {
  for (Edge& e : net.edges) {
    if (!e.trainable || e.kind != ElementKind::Resistor) continue;
    const double r = 1.0 / e.siemens;
    e = digipot_edge(e.name, e.a, e.b, taps, 2.0 * r, 1e-6 * r, taps / 2, true);
    e.max_siemens = digipot_siemens(e, 1);
  }
}

}  // namespace

Network load_sweep_network(const SweepSpec& spec, int index) {
  const nlohmann::json& n = spec.networks.at(index);
  const std::string where = (spec.source.empty() ? "" : spec.source + "#") + "/networks/" + std::to_string(index);
  const std::string pointer = "/networks/" + std::to_string(index);
  Network net = n.is_string()            ? load_network_file((spec.base_dir / n.get<std::string>()).string())
                : n.contains("generator") ? generate_network(n, spec.source, pointer)
                                          : parse_network(n, spec.source, pointer);
  const bool trainable = std::any_of(net.edges.begin(), net.edges.end(),
                                     [](const Edge& e) { return e.trainable && e.has_value(); });
  if (!trainable)
    throw InputError("config.invalid", where, "the network has no trainable resistor, digipot or transistor");
  const bool gates = std::any_of(net.edges.begin(), net.edges.end(),
                                 [](const Edge& e) { return e.trainable && e.kind == ElementKind::Transistor; });
  if (gates && std::find(spec.modes.begin(), spec.modes.end(), UpdateMode::Quantised) != spec.modes.end())
    throw InputError("config.invalid", where,
                     "network " + net.name + " learns transistor gates, which have no taps: \"update\" \"continuous\" or \"sign\"");
  if (net.outputs.empty() || net.inputs.empty())
    throw InputError("config.invalid", where, "the network needs at least one input and one output");
  return net;
}

PointCircuit build_point_circuit(const SweepSpec& spec, const Network& base, const SweepPoint& p) {
  PointCircuit c{base, {}};
  Network& net = c.net;

  // Targets: uniform in the given range, or in the middle 60 % of the input span.
  double lo = net.inputs[0].volts, hi = lo;
  for (const Input& in : net.inputs) lo = std::min(lo, in.volts), hi = std::max(hi, in.volts);
  if (spec.targets_volts.size() == 2) {
    lo = spec.targets_volts[0];
    hi = spec.targets_volts[1];
  } else {
    const double mid = 0.5 * (lo + hi), half = 0.3 * (hi - lo);
    lo = mid - half, hi = mid + half;
  }
  Rng targets = Rng::stream(p.seed, RandomStream::SweepTargets);
  for (std::size_t o = 0; o < net.outputs.size(); ++o) c.targets.push_back(targets.uniform(lo, hi));

  Rng jitter = Rng::stream(p.seed, RandomStream::SweepJitter);
  for (Edge& e : net.edges) {
    if (!e.trainable || e.kind != ElementKind::Resistor) continue;
    if (spec.k_jitter > 0.0) e.siemens *= 1.0 + jitter.uniform(-spec.k_jitter, spec.k_jitter);
    const double m = p.breakers.clip_margin;
    e.min_siemens = m > 0.0 ? e.siemens * std::max(1.0 - m, 1e-6) : e.siemens * 1e-6;
    e.max_siemens = m > 0.0 ? e.siemens * (1.0 + m) : e.siemens * 1e6;
  }
  if (p.mode != UpdateMode::Continuous) to_digipots(net, p.taps);
  if (p.breakers.wiper_ohms > 0.0) add_wipers(net, p.breakers.wiper_ohms);
  if (p.breakers.load_ohms > 0.0) add_load(net, p.breakers.load_ohms);
  if (p.breakers.source_ohms > 0.0) add_source_resistors(net, p.breakers.source_ohms);
  return c;
}

}  // namespace spiceloop::study
