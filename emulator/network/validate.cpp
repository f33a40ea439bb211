#include "emulator/network/validate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <unordered_map>

#include "emulator/core/numbers.hpp"

namespace spiceloop {

namespace nl = network_limits;
using nlohmann::json;

namespace {

[[noreturn]] void raise(const std::string& id, const std::string& where, const std::string& message) {
  kNetworkDocument.fail(id, where, message);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string g(double v) { return format_double(v); }

}  // namespace

bool is_identifier(std::string_view name) {
  if (name.empty() || name.size() > nl::kMaxNameLength) return false;
  const auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!alpha(name[0])) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) { return alpha(c) || (c >= '0' && c <= '9'); });
}

void check_format_version(const JsonObject& top, bool required) {
  const json* v = top.find("spiceloop");
  if (!v && !required) return;
  if (!v)
    top.fail("missing_version", "spiceloop",
             "not a spiceloop network: the document needs \"spiceloop\": 1 (the format version)");
  if (!v->is_number_integer() || v->get<std::int64_t>() != 1) {
    std::string shown = v->dump(-1, ' ', false, json::error_handler_t::replace);
    if (shown.size() > 40) shown = shown.substr(0, 40) + "...";
    top.fail("unsupported_version", "spiceloop",
             fmt::format("format version {} is not supported; this build reads \"spiceloop\": 1", shown));
  }
}

void check_in_range(double value, double lo, double hi, const std::string& where,
                    std::string_view what, std::string_view unit) {
  if (!std::isfinite(value)) raise("not_finite", where, fmt::format("{} must be finite, not {}", what, g(value)));
  std::string u;
  if (!unit.empty()) u.append(" ").append(unit);
  if (value < lo || value > hi)
    raise("out_of_range", where,
         fmt::format("{} = {}{} is outside the accepted range [{}, {}]{}", what, g(value), u, g(lo), g(hi), u));
}

void check_taps(std::int64_t taps, const std::string& where) {
  if (taps < nl::kMinTaps || taps > nl::kMaxTaps)
    raise("out_of_range", where,
         fmt::format("taps = {} is outside the accepted range {}..{} (AD5220: 128, MCP41xxx: 256)", taps,
                     nl::kMinTaps, nl::kMaxTaps));
}

void check_code(std::int64_t code, std::int64_t taps, const std::string& where) {
  if (code < 0 || code > taps - 1)
    raise("out_of_range", where, fmt::format("code {} is outside 0..{} (0..taps-1)", code, taps - 1));
}

void check_transistor_k(double k, const std::string& where) {
  if (!std::isfinite(k)) raise("not_finite", where, fmt::format("K must be finite, not {}", g(k)));
  if (k <= 0.0)
    raise("not_positive", where,
         fmt::format("K = {} A/V^2 must be positive (K = KP W / L of the NMOS; the lab's fit is {} A/V^2)", g(k),
                     g(nl::kDefaultKAmpsPerVolt2)));
  check_in_range(k, nl::kMinKAmpsPerVolt2, nl::kMaxKAmpsPerVolt2, where, "K", "A/V^2");
}

void check_gate(double gate, double lo, double hi, const std::string& where_gate, const std::string& where_bounds) {
  check_in_range(lo, -nl::kMaxAbsGateVolts, nl::kMaxAbsGateVolts, where_bounds, "lower gate bound", "V");
  check_in_range(hi, -nl::kMaxAbsGateVolts, nl::kMaxAbsGateVolts, where_bounds, "upper gate bound", "V");
  if (lo > hi)
    raise("bounds_inverted", where_bounds,
         fmt::format("the gate bounds allow no value: min_gate_volts {} V is above max_gate_volts {} V; swap them",
                     g(lo), g(hi)));
  if (!std::isfinite(gate)) raise("not_finite", where_gate, fmt::format("gate voltage must be finite, not {}", g(gate)));
  if (gate < lo || gate > hi)
    raise("outside_bounds", where_gate,
         fmt::format("gate voltage {} V is outside its bounds [{}, {}] V; move it inside or widen "
                     "min_gate_volts/max_gate_volts",
                     g(gate), g(lo), g(hi)));
}

void check_memristor(const Edge& e, const std::function<std::string(std::string_view)>& where) {
  const MemristorParams& p = e.memristor;
  const auto non_negative = [&](double x, std::string_view key, std::string_view what, double hi) {
    if (std::isfinite(x) && x < 0.0)
      raise("negative", where(key), fmt::format("{} = {} must be >= 0 (0 turns it off)", what, g(x)));
    check_in_range(x, 0.0, hi, where(key), what, "");
  };
  const double range = e.max_siemens - e.min_siemens;
  if (!(p.step_siemens > 0.0))
    raise("not_positive", where("step_siemens"),
          fmt::format("step_siemens = {} S must be positive: the conductance change of one pulse", g(p.step_siemens)));
  if (p.step_siemens > range && range > 0.0)
    raise("out_of_range", where("step_siemens"),
          fmt::format("step_siemens = {} S is larger than the whole range [{}, {}] S: one pulse would cross it",
                      g(p.step_siemens), g(e.min_siemens), g(e.max_siemens)));
  if (!(p.up_down > -1.0 && p.up_down < 1.0))
    raise("out_of_range", where("up_down"),
          fmt::format("up_down = {} must lie in (-1, 1): steps are dw_min (1 + up_down) up and dw_min (1 - up_down) "
                      "down",
                      g(p.up_down)));
  non_negative(p.step_noise, "step_noise", "cycle-to-cycle step noise step_noise", nl::kMaxStepNoise);
  non_negative(p.spread, "spread", "device-to-device spread", nl::kMaxSpread);
  check_in_range(p.gamma, nl::kMinGamma, nl::kMaxGamma, where("gamma"), "power_step exponent gamma", "");
  non_negative(p.stuck_on_rate, "stuck_on_rate", "stuck_on_rate", 1.0);
  non_negative(p.stuck_off_rate, "stuck_off_rate", "stuck_off_rate", 1.0);
  if (p.stuck_on_rate + p.stuck_off_rate > 1.0)
    raise("out_of_range", where("stuck_off_rate"),
          fmt::format("stuck_on_rate + stuck_off_rate = {} is more than every device", g(p.stuck_on_rate + p.stuck_off_rate)));
  non_negative(p.drift_nu, "drift_nu", "drift exponent drift_nu", nl::kMaxDriftNu);
  check_in_range(p.drift_t0_seconds, nl::kMinSeconds, nl::kMaxSeconds, where("drift_t0_seconds"), "drift_t0_seconds", "s");
  check_in_range(p.seconds_per_update, nl::kMinSeconds, nl::kMaxSeconds, where("seconds_per_update"),
                 "seconds_per_update", "s");
  if (p.read_volts != 0.0)
    check_in_range(p.read_volts, nl::kMinReadVolts, nl::kMaxReadVolts, where("read_volts"),
                   "read nonlinearity read_volts (0 for a linear read)", "V");
}

void check_ohms(double ohms, const std::string& where, std::string_view what) {
  if (!std::isfinite(ohms)) raise("not_finite", where, fmt::format("{} must be finite, not {}", what, g(ohms)));
  if (ohms <= 0.0)
    raise("not_positive", where,
         fmt::format("{} = {} ohm must be positive (a short is not a resistor: merge the two nodes instead)",
                     what, g(ohms)));
  check_in_range(ohms, nl::kMinOhms, nl::kMaxOhms, where, what, "ohm");
}

void check_siemens(double siemens, const std::string& where, std::string_view what) {
  if (!std::isfinite(siemens))
    raise("not_finite", where, fmt::format("{} must be finite, not {}", what, g(siemens)));
  if (siemens <= 0.0)
    raise("not_positive", where,
         fmt::format("{} = {} S must be positive (an open edge is not a resistor: remove the edge instead)",
                     what, g(siemens)));
  check_in_range(siemens, nl::kMinSiemens, nl::kMaxSiemens, where, what, "S");
}

void check_volts(double volts, const std::string& where) {
  check_in_range(volts, -nl::kMaxAbsVolts, nl::kMaxAbsVolts, where, "input voltage", "V");
}

void check_name(std::string_view name, const std::string& where, std::string_view what) {
  if (!is_identifier(name))
    raise("bad_name", where,
         fmt::format("{} {} is not a plain identifier: use 1 to 64 characters from A-Z, a-z, 0-9 and _, "
                     "not starting with a digit (names are written into SPICE decks)",
                     what, json_quote(name)));
}

std::string NetworkLocations::node(int i) const {
  if (static_cast<std::size_t>(i) < nodes.size()) return nodes[i];
  return i == 0 ? "/ground" : pointer_append("/nodes", static_cast<std::size_t>(i));
}
std::string NetworkLocations::edge(int j) const {
  if (static_cast<std::size_t>(j) < edges.size()) return edges[j];
  return pointer_append("/edges", static_cast<std::size_t>(j));
}
std::string NetworkLocations::input(int i) const {
  if (static_cast<std::size_t>(i) < inputs.size()) return inputs[i];
  return pointer_append("/inputs", static_cast<std::size_t>(i));
}
std::string NetworkLocations::output(int o) const {
  if (static_cast<std::size_t>(o) < outputs.size()) return outputs[o];
  return pointer_append("/outputs", static_cast<std::size_t>(o));
}

namespace {

// Names must be unique even up to case: SPICE folds case, so "Out" and "out" would be one node.
void check_unique_names(const std::vector<std::string>& names, std::string_view what, const std::string& id,
                        const std::function<std::string(int)>& where) {
  std::unordered_map<std::string, int> seen;
  seen.reserve(names.size());
  for (int i = 0; i < static_cast<int>(names.size()); ++i) {
    const auto [it, fresh] = seen.emplace(lower(names[i]), i);
    if (fresh) continue;
    const std::string& first = names[it->second];
    if (first == names[i])
      raise(id, where(i), fmt::format("{} name {} is used twice (first at {}); names must be unique", what,
                                     json_quote(names[i]), where(it->second)));
    raise(id, where(i),
         fmt::format("{} names {} and {} differ only in case (first at {}); SPICE is case-insensitive, "
                     "so rename one",
                     what, json_quote(first), json_quote(names[i]), where(it->second)));
  }
}

void check_node_index(const Network& net, int node, const std::string& where) {
  if (node < 0 || node >= net.node_count())
    raise("unknown_node", where, fmt::format("node index {} is not one of the {} nodes", node, net.node_count()));
}

void check_resistor(const Edge& e, const std::string& at, const JsonOrigin& o) {
  check_siemens(e.siemens, o.where(at + "/siemens"), "conductance");
  // Bounds of a fixed edge are never used; code that builds one may leave them at zero.
  if (!e.trainable && e.min_siemens == 0.0 && e.max_siemens == 0.0) return;
  check_siemens(e.min_siemens, o.where(at + "/min_siemens"), "lower conductance bound");
  check_siemens(e.max_siemens, o.where(at + "/max_siemens"), "upper conductance bound");
  if (e.min_siemens > e.max_siemens)
    raise("bounds_inverted", o.where(at + "/min_siemens"),
         fmt::format("lower conductance bound {} S is above the upper bound {} S; swap them", g(e.min_siemens),
                     g(e.max_siemens)));
  if (e.siemens < e.min_siemens || e.siemens > e.max_siemens)
    raise("outside_bounds", o.where(at + "/siemens"),
         fmt::format("conductance {} S is outside its bounds [{}, {}] S", g(e.siemens), g(e.min_siemens),
                     g(e.max_siemens)));
}

void check_digipot(const Edge& e, const std::string& at, const JsonOrigin& o) {
  check_taps(e.taps, o.where(at + "/taps"));
  check_ohms(e.r_ab_ohms, o.where(at + "/r_ab_ohms"), "end-to-end resistance r_ab_ohms");
  check_ohms(e.r_wiper_ohms, o.where(at + "/r_wiper_ohms"), "wiper resistance r_wiper_ohms");
  check_ohms(digipot_ohms(e, e.taps - 1), o.where(at + "/r_ab_ohms"), "resistance at the top code");
  check_code(e.code, e.taps, o.where(at + "/code"));
  if (e.siemens != digipot_siemens(e, e.code) || e.min_siemens != digipot_siemens(e, e.taps - 1) ||
      e.max_siemens != digipot_siemens(e, 0))
    raise("digipot_mismatch", o.where(at),
         "a digipot's siemens must equal digipot_siemens(code) and its bounds those of codes taps-1 and 0; "
         "build it with digipot_edge() or set_conductances()");
}

void check_diode(const Edge& e, const std::string& at, const JsonOrigin& o) {
  check_in_range(e.is_amps, nl::kMinIsAmps, nl::kMaxIsAmps, o.where(at + "/is_amps"),
                 "saturation current is_amps", "A");
  check_in_range(e.emission, nl::kMinEmission, nl::kMaxEmission, o.where(at + "/emission"),
                 "emission coefficient", "");
  if (e.trainable)
    raise("diode_not_trainable", o.where(at + "/trainable"),
         "diodes are fixed elements; remove \"trainable\" or set it to false");
}

void check_transistor(const Edge& e, const std::string& at, const JsonOrigin& o) {
  check_transistor_k(e.k_amps_per_volt2, o.where(at + "/k_amps_per_volt2"));
  check_in_range(e.threshold_volts, -nl::kMaxAbsThresholdVolts, nl::kMaxAbsThresholdVolts,
                 o.where(at + "/threshold_volts"), "threshold voltage", "V");
  check_in_range(e.lambda_per_volt, 0.0, nl::kMaxLambdaPerVolt, o.where(at + "/lambda_per_volt"),
                 "channel-length modulation lambda", "1/V");
  check_gate(e.gate_volts, e.min_gate_volts, e.max_gate_volts, o.where(at + "/gate_volts"),
             o.where(at + "/min_gate_volts"));
}

void check_memristor_edge(const Edge& e, const std::string& at, const JsonOrigin& o) {
  check_resistor(e, at, o);
  check_memristor(e, [&](std::string_view key) { return o.where(at + "/" + std::string(key)); });
}

// Breadth-first search from ground through edges. Inputs do not count as paths: an island held
// only by a source has no current to learn from, and is almost surely a wiring mistake.
void check_connected(const Network& net, const NetworkLocations& loc) {
  const int n = net.node_count();
  std::vector<int> start(n + 1, 0), adjacent(2 * net.edges.size());
  for (const Edge& e : net.edges) ++start[e.a + 1], ++start[e.b + 1];
  for (int i = 0; i < n; ++i) start[i + 1] += start[i];
  std::vector<int> fill(start.begin(), start.end() - 1);
  for (const Edge& e : net.edges) adjacent[fill[e.a]++] = e.b, adjacent[fill[e.b]++] = e.a;

  std::vector<char> reached(n, 0);
  std::vector<int> queue{0};
  reached[0] = 1;
  for (std::size_t q = 0; q < queue.size(); ++q)
    for (int k = start[queue[q]]; k < start[queue[q] + 1]; ++k)
      if (!reached[adjacent[k]]) reached[adjacent[k]] = 1, queue.push_back(adjacent[k]);
  if (queue.size() == static_cast<std::size_t>(n)) return;

  std::vector<std::string> lost;
  int first = -1;
  for (int i = 0; i < n; ++i)
    if (!reached[i]) {
      if (first < 0) first = i;
      if (lost.size() < 5) lost.push_back(json_quote(net.node_names[i]));
    }
  const std::size_t count = n - queue.size();
  const bool isolated = start[first + 1] == start[first];
  raise("floating_node", loc.origin.where(loc.node(first)),
       fmt::format("node {} {} no DC path to ground {} through edges ({} node{} unreachable: {}{}); "
                   "connect {} to the rest of the network or remove {}",
                   json_quote(net.node_names[first]), isolated ? "is on no edge, so has" : "has",
                   json_quote(net.node_names[0]), count, count == 1 ? " is" : "s are", fmt::join(lost, ", "),
                   count > lost.size() ? ", ..." : "", count == 1 ? "it" : "them", count == 1 ? "it" : "them"));
}

}  // namespace

void validate_network(const Network& net) { validate_network(net, NetworkLocations{}); }

void validate_network(const Network& net, const NetworkLocations& loc) {
  const JsonOrigin& o = loc.origin;
  if (net.node_names.size() > nl::kMaxNodes)
    raise("too_large", o.where("/nodes"),
         fmt::format("{} nodes is more than the limit of {}", net.node_names.size(), nl::kMaxNodes));
  if (net.edges.size() > nl::kMaxEdges)
    raise("too_large", o.where("/edges"),
         fmt::format("{} edges is more than the limit of {}", net.edges.size(), nl::kMaxEdges));
  check_name(net.name, o.where("/name"), "network name");
  if (net.node_names.empty()) raise("missing_key", o.where("/ground"), "a network needs a ground node");

  for (int i = 0; i < net.node_count(); ++i)
    check_name(net.node_names[i], o.where(loc.node(i)), i == 0 ? "ground name" : "node name");
  check_unique_names(net.node_names, "node", "duplicate_node", [&](int i) { return o.where(loc.node(i)); });

  std::vector<std::string> edge_names;
  edge_names.reserve(net.edges.size());
  for (int j = 0; j < net.edge_count(); ++j) {
    const Edge& e = net.edges[j];
    const std::string at = loc.edge(j);
    check_name(e.name, o.where(at + "/name"), "edge name");
    edge_names.push_back(e.name);
    check_node_index(net, e.a, o.where(at + "/a"));
    check_node_index(net, e.b, o.where(at + "/b"));
    if (e.a == e.b)
      raise("self_loop", o.where(at + "/b"),
           fmt::format("edge {} connects node {} to itself; an edge needs two different nodes",
                       json_quote(e.name), json_quote(net.node_names[e.a])));
    switch (e.kind) {
      case ElementKind::Resistor: check_resistor(e, at, o); break;
      case ElementKind::Digipot: check_digipot(e, at, o); break;
      case ElementKind::Diode: check_diode(e, at, o); break;
      case ElementKind::Transistor: check_transistor(e, at, o); break;
      case ElementKind::Memristor: check_memristor_edge(e, at, o); break;
    }
  }
  check_unique_names(edge_names, "edge", "duplicate_edge",
                     [&](int j) { return o.where(loc.edge(j) + "/name"); });

  if (net.inputs.empty())
    raise("no_inputs", o.where("/inputs"),
         "a network needs at least one input (a node held by a voltage source); add one to \"inputs\"");
  std::vector<int> role(net.node_count(), -1);  // which input drives each node
  for (int i = 0; i < static_cast<int>(net.inputs.size()); ++i) {
    const Input& in = net.inputs[i];
    const std::string at = loc.input(i);
    check_node_index(net, in.node, o.where(at + "/node"));
    if (in.node == 0)
      raise("input_on_ground", o.where(at + "/node"),
           "an input cannot be the ground node (it is held at 0 V already); choose another node");
    if (role[in.node] >= 0)
      raise("duplicate_input", o.where(at + "/node"),
           fmt::format("node {} is already driven by input {} ({}); two sources on one node fight each other",
                       json_quote(net.node_names[in.node]), role[in.node], o.where(loc.input(role[in.node]))));
    role[in.node] = i;
    check_volts(in.volts, o.where(at + "/volts"));
  }
  std::vector<int> output_of(net.node_count(), -1);
  for (int k = 0; k < static_cast<int>(net.outputs.size()); ++k) {
    const int node = net.outputs[k];
    const std::string where = o.where(loc.output(k));
    check_node_index(net, node, where);
    if (node == 0)
      raise("output_on_ground", where, "an output cannot be the ground node (it is always 0 V); choose another node");
    if (role[node] >= 0)
      raise("input_is_output", where,
           fmt::format("node {} is an input (held by a source), so it cannot also be a floating output",
                       json_quote(net.node_names[node])));
    if (output_of[node] >= 0)
      raise("duplicate_output", where,
           fmt::format("node {} is listed as an output twice (first at {})", json_quote(net.node_names[node]),
                       o.where(loc.output(output_of[node]))));
    output_of[node] = k;
  }

  check_connected(net, loc);
}

}  // namespace spiceloop
