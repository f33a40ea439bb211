#include "emulator/network/load.hpp"

#include <fmt/format.h>

#include <cmath>
#include <unordered_map>

#include "emulator/core/json_text.hpp"
#include "emulator/core/suggest.hpp"
#include "emulator/network/generators.hpp"

namespace spiceloop {

namespace nl = network_limits;
using nlohmann::json;

namespace {

constexpr std::string_view kResistorKeys[] = {"ohms", "siemens", "min_ohms", "max_ohms", "min_siemens", "max_siemens"};
constexpr std::string_view kDigipotKeys[] = {"taps", "r_ab_ohms", "r_wiper_ohms", "code"};
constexpr std::string_view kDiodeKeys[] = {"is_amps", "emission"};
constexpr std::string_view kTransistorKeys[] = {"gate_volts", "min_gate_volts", "max_gate_volts",
                                                "k_amps_per_volt2", "threshold_volts", "lambda_per_volt"};
// A memristor also takes kResistorKeys: its conductance and range.
constexpr std::string_view kMemristorKeys[] = {"model", "step_siemens", "up_down", "step_noise", "spread", "gamma",
                                               "stuck_on_rate", "stuck_off_rate", "drift_nu", "drift_t0_seconds",
                                               "seconds_per_update", "read_volts"};
constexpr std::string_view kPlacementKeys[] = {"name", "a", "b", "trainable"};

template <class... Lists>
std::vector<std::string_view> keys(const Lists&... lists) {
  std::vector<std::string_view> out{"kind"};
  (out.insert(out.end(), std::begin(lists), std::end(lists)), ...);
  return out;
}

std::string approx(double v) { return fmt::format("{:.6g}", v); }  // for values converted between units

// One conductance bound, given either in siemens or as the matching resistance.
struct Bound {
  double siemens;
  std::string key;  // "" when defaulted
};

Bound read_bound(const JsonObject& k, std::string_view siemens_key, std::string_view ohms_key, double fallback,
                 std::string_view what) {
  const bool has_s = k.has(siemens_key), has_o = k.has(ohms_key);
  if (has_s && has_o)
    k.fail("conflicting_keys", ohms_key,
           fmt::format("\"{}\" and \"{}\" give the same bound; keep one", siemens_key, ohms_key));
  if (has_s) {
    const double s = k.number(siemens_key);
    check_siemens(s, k.where(siemens_key), what);
    return {s, std::string(siemens_key)};
  }
  if (has_o) {
    const double r = k.number(ohms_key);
    check_ohms(r, k.where(ohms_key), what);
    return {1.0 / r, std::string(ohms_key)};
  }
  return {fallback, ""};
}

void read_resistor(const JsonObject& k, Edge& e) {
  const bool has_ohms = k.has("ohms"), has_siemens = k.has("siemens");
  if (has_ohms && has_siemens)
    k.fail("conflicting_keys", "siemens", "give the value either as \"ohms\" or as \"siemens\", not both");
  if (!has_ohms && !has_siemens)
    k.fail("missing_key", "ohms", "a resistor needs its value as \"ohms\" or \"siemens\"");
  const std::string value_key = has_ohms ? "ohms" : "siemens";
  if (has_ohms) {
    const double r = k.number("ohms");
    check_ohms(r, k.where("ohms"), "resistance");
    e.siemens = 1.0 / r;
  } else {
    e.siemens = k.number("siemens");
    check_siemens(e.siemens, k.where("siemens"), "conductance");
  }

  // A fixed resistor's bounds default to its value: they are never used, but stay valid if the
  // edge is later made trainable.
  const Bound lo = read_bound(k, "min_siemens", "max_ohms",
                              e.trainable ? nl::kDefaultMinSiemens : e.siemens, "lower conductance bound");
  const Bound hi = read_bound(k, "max_siemens", "min_ohms",
                              e.trainable ? nl::kDefaultMaxSiemens : e.siemens, "upper conductance bound");
  e.min_siemens = lo.siemens;
  e.max_siemens = hi.siemens;
  if (lo.siemens > hi.siemens)
    k.fail("bounds_inverted", !lo.key.empty() ? lo.key : hi.key,
           fmt::format("the bounds allow no value: the lower conductance bound {} S (max {} ohm) is above the "
                       "upper bound {} S (min {} ohm); swap them",
                       approx(lo.siemens), approx(1 / lo.siemens), approx(hi.siemens), approx(1 / hi.siemens)));
  if (e.siemens < lo.siemens || e.siemens > hi.siemens) {
    const bool defaulted = lo.key.empty() || hi.key.empty();
    k.fail("outside_bounds", value_key,
           fmt::format("{} S ({} ohm) is outside the {}bounds [{}, {}] S ([{}, {}] ohm){}", approx(e.siemens),
                       approx(1 / e.siemens), defaulted ? "(partly default) " : "", approx(lo.siemens),
                       approx(hi.siemens), approx(1 / hi.siemens), approx(1 / lo.siemens),
                       defaulted ? "; give min_ohms/max_ohms (or min_siemens/max_siemens) that contain it" : ""));
  }
}

void read_digipot(const JsonObject& k, Edge& e) {
  const std::int64_t taps = k.integer("taps");
  check_taps(taps, k.where("taps"));
  e.taps = static_cast<int>(taps);
  e.r_ab_ohms = k.number("r_ab_ohms");
  check_ohms(e.r_ab_ohms, k.where("r_ab_ohms"), "end-to-end resistance r_ab_ohms");
  e.r_wiper_ohms = k.number("r_wiper_ohms");
  check_ohms(e.r_wiper_ohms, k.where("r_wiper_ohms"), "wiper resistance r_wiper_ohms");
  check_ohms(digipot_ohms(e, e.taps - 1), k.where("r_ab_ohms"), "resistance at the top code");
  // Digipots such as the AD5220 power up at mid-scale.
  const std::int64_t code = k.integer("code", e.taps / 2);
  check_code(code, e.taps, k.where("code"));
  e.code = static_cast<int>(code);
  e.siemens = digipot_siemens(e, e.code);
  e.min_siemens = digipot_siemens(e, e.taps - 1);
  e.max_siemens = digipot_siemens(e, 0);
}

void read_diode(const JsonObject& k, Edge& e) {
  e.is_amps = k.number("is_amps", 1e-14);  // the SPICE default IS
  check_in_range(e.is_amps, nl::kMinIsAmps, nl::kMaxIsAmps, k.where("is_amps"), "saturation current is_amps", "A");
  e.emission = k.number("emission", 1.0);
  check_in_range(e.emission, nl::kMinEmission, nl::kMaxEmission, k.where("emission"), "emission coefficient", "");
  if (e.trainable)
    k.fail("diode_not_trainable", "trainable", "diodes are fixed elements; remove \"trainable\" or set it to false");
}

void read_transistor(const JsonObject& k, Edge& e) {
  if (!k.has("gate_volts"))
    k.fail("missing_key", "gate_volts",
           fmt::format("a transistor needs its gate voltage \"gate_volts\" (the learned value; the lab starts near "
                       "5 V, inside [{}, {}] V by default)",
                       nl::kDefaultMinGateVolts, nl::kDefaultMaxGateVolts));
  e.k_amps_per_volt2 = k.number("k_amps_per_volt2", nl::kDefaultKAmpsPerVolt2);
  check_transistor_k(e.k_amps_per_volt2, k.where("k_amps_per_volt2"));
  e.threshold_volts = k.number("threshold_volts", nl::kDefaultThresholdVolts);
  check_in_range(e.threshold_volts, -nl::kMaxAbsThresholdVolts, nl::kMaxAbsThresholdVolts, k.where("threshold_volts"),
                 "threshold voltage", "V");
  e.lambda_per_volt = k.number("lambda_per_volt", nl::kDefaultLambdaPerVolt);
  check_in_range(e.lambda_per_volt, 0.0, nl::kMaxLambdaPerVolt, k.where("lambda_per_volt"),
                 "channel-length modulation lambda", "1/V");
  e.min_gate_volts = k.number("min_gate_volts", nl::kDefaultMinGateVolts);
  e.max_gate_volts = k.number("max_gate_volts", nl::kDefaultMaxGateVolts);
  e.gate_volts = k.number("gate_volts");
  const bool bounds_given = k.has("min_gate_volts") || k.has("max_gate_volts");
  check_gate(e.gate_volts, e.min_gate_volts, e.max_gate_volts, k.where("gate_volts"),
             k.where(k.has("min_gate_volts") || !bounds_given ? "min_gate_volts" : "max_gate_volts"));
}

void read_memristor(const JsonObject& k, Edge& e) {
  read_resistor(k, e);
  e.programmed_siemens = e.siemens;
  MemristorParams& p = e.memristor;
  const std::string model =
      k.member("model").choice({"constant_step", "soft_bounds", "power_step"}, "unknown_model");
  p.model = model == "constant_step" ? PulseModel::ConstantStep
            : model == "soft_bounds" ? PulseModel::SoftBounds
                                     : PulseModel::PowerStep;
  p.step_siemens = k.number("step_siemens");
  p.up_down = k.number("up_down", 0.0);
  p.step_noise = k.number("step_noise", 0.0);
  p.spread = k.number("spread", 0.0);
  if (k.has("gamma") && p.model != PulseModel::PowerStep)
    k.fail("invalid", "gamma", "gamma is the exponent of model \"power_step\" only");
  p.gamma = k.number("gamma", 1.0);
  p.stuck_on_rate = k.number("stuck_on_rate", 0.0);
  p.stuck_off_rate = k.number("stuck_off_rate", 0.0);
  p.drift_nu = k.number("drift_nu", 0.0);
  p.drift_t0_seconds = k.number("drift_t0_seconds", 1.0);
  p.seconds_per_update = k.number("seconds_per_update", 1.0);
  p.read_volts = k.number("read_volts", 0.0);
  check_memristor(e, [&](std::string_view key) { return k.where(key); });
}

}  // namespace

Edge parse_element(const JsonObject& obj, ElementUse use) {
  const bool in_network = use == ElementUse::NetworkEdge;
  const std::vector<std::string_view> placement =
      in_network ? std::vector<std::string_view>(std::begin(kPlacementKeys), std::end(kPlacementKeys))
                 : std::vector<std::string_view>{};
  // Typos first, against every key an edge may have, so that "ohm" is told about "ohms".
  obj.allow_only(in_network ? keys(placement, kResistorKeys, kDigipotKeys, kDiodeKeys, kTransistorKeys, kMemristorKeys)
                            : keys(kResistorKeys, kDigipotKeys, kTransistorKeys, kMemristorKeys));

  const std::string kind = in_network || obj.has("kind") ? obj.string("kind") : "resistor";
  const std::string noun = in_network ? "edge" : "edge template";
  Edge e;
  e.trainable = in_network ? obj.boolean("trainable", false) : true;
  if (kind == "resistor") {
    const JsonObject k(obj.json(), obj.kind(), obj.origin(), obj.pointer(), "a resistor " + noun);
    k.allow_only(keys(placement, kResistorKeys));
    e.kind = ElementKind::Resistor;
    read_resistor(k, e);
  } else if (kind == "digipot") {
    const JsonObject k(obj.json(), obj.kind(), obj.origin(), obj.pointer(), "a digipot " + noun);
    k.allow_only(keys(placement, kDigipotKeys));
    e.kind = ElementKind::Digipot;
    read_digipot(k, e);
  } else if (kind == "diode" && in_network) {
    const JsonObject k(obj.json(), obj.kind(), obj.origin(), obj.pointer(), "a diode " + noun);
    k.allow_only(keys(placement, kDiodeKeys));
    e.kind = ElementKind::Diode;
    read_diode(k, e);
  } else if (kind == "transistor") {
    const JsonObject k(obj.json(), obj.kind(), obj.origin(), obj.pointer(), "a transistor " + noun);
    k.allow_only(keys(placement, kTransistorKeys));
    e.kind = ElementKind::Transistor;
    read_transistor(k, e);
  } else if (kind == "memristor") {
    const JsonObject k(obj.json(), obj.kind(), obj.origin(), obj.pointer(), "a memristor " + noun);
    k.allow_only(keys(placement, kResistorKeys, kMemristorKeys));
    e.kind = ElementKind::Memristor;
    read_memristor(k, e);
  } else {
    obj.fail("unknown_kind", "kind",
             fmt::format("kind {} is not one of {}", json_quote(kind),
                         in_network ? "\"resistor\", \"digipot\", \"diode\", \"transistor\", \"memristor\""
                                    : "\"resistor\", \"digipot\", \"transistor\", \"memristor\" (generated edges "
                                      "are trainable)"));
  }
  return e;
}

namespace {

struct NodeIndex {
  std::unordered_map<std::string, int> index;
  const std::vector<std::string>& names;

  int resolve(const std::string& name, const std::string& where) const {
    if (const auto it = index.find(name); it != index.end()) return it->second;
    std::string hint;
    if (names.size() <= 1000) {  // a suggestion is worth a scan of a small network only
      if (const std::string best = closest_match(name, names); !best.empty())
        hint = fmt::format("did you mean {}? ", json_quote(best));
    }
    kNetworkDocument.fail("unknown_node", where,
                          fmt::format("node {} is not the ground and not listed in \"nodes\"; {}add it to \"nodes\" "
                                      "or fix the name",
                                      json_quote(name), hint));
  }
};

void check_count(const JsonObject& top, std::string_view key, std::size_t count, std::size_t limit) {
  if (count > limit)
    top.fail("too_large", key, fmt::format("{} entries in {} is more than the limit of {}", count, json_quote(key), limit));
}

}  // namespace

Network parse_network(const json& doc, const std::string& source, const std::string& base_pointer) {
  const JsonOrigin origin{source, base_pointer};
  const JsonObject top(doc, kNetworkDocument, origin, "", "a network document");
  // A generator spec is recognised by its "generator" key; its version is optional (generators.hpp).
  if (top.has("generator")) return generate_network(doc, source, base_pointer);
  check_format_version(top, true);
  top.allow_only({"spiceloop", "name", "description", "ground", "nodes", "inputs", "outputs", "edges"});
  (void)top.string("description", "");

  Network net;
  NetworkLocations loc{origin, {}, {}, {}, {}};
  net.name = top.string("name", "network");
  check_name(net.name, top.where("name"), "network name");

  // Node 0 is the ground whether or not "nodes" lists it.
  const std::string ground = top.string("ground", "gnd");
  check_name(ground, top.where("ground"), "ground name");
  net.node_names.push_back(ground);
  loc.nodes.push_back("/ground");
  const JsonValue node_list = top.member("nodes");
  const json& nodes = node_list.array();
  check_count(top, "nodes", nodes.size(), nl::kMaxNodes);
  NodeIndex index{{}, net.node_names};
  index.index.reserve(nodes.size() + 1);
  index.index.emplace(ground, 0);
  bool ground_listed = false;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const std::string at = pointer_append("/nodes", i);
    std::string name = node_list.element(i, "a node name").string();
    check_name(name, origin.where(at), "node name");
    if (name == ground && !ground_listed) {
      ground_listed = true;
      continue;
    }
    index.index.emplace(name, net.node_count());  // a repeat is reported by validate_network
    net.node_names.push_back(std::move(name));
    loc.nodes.push_back(at);
  }

  const json& edges = top.array("edges");
  check_count(top, "edges", edges.size(), nl::kMaxEdges);
  net.edges.reserve(edges.size());
  for (std::size_t j = 0; j < edges.size(); ++j) {
    const JsonObject eo(edges[j], kNetworkDocument, origin, pointer_append("/edges", j), "an edge");
    Edge e = parse_element(eo, ElementUse::NetworkEdge);
    e.name = eo.string("name");
    check_name(e.name, eo.where("name"), "edge name");
    e.a = index.resolve(eo.string("a"), eo.where("a"));
    e.b = index.resolve(eo.string("b"), eo.where("b"));
    net.edges.push_back(std::move(e));
  }

  const json& inputs = top.array("inputs");
  check_count(top, "inputs", inputs.size(), nl::kMaxNodes);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const JsonObject io(inputs[i], kNetworkDocument, origin, pointer_append("/inputs", i), "an input");
    io.allow_only({"node", "volts"});
    Input in;
    in.node = index.resolve(io.string("node"), io.where("node"));
    in.volts = io.number("volts", 0.0);
    check_volts(in.volts, io.where("volts"));
    net.inputs.push_back(in);
  }

  if (top.has("outputs")) {
    const JsonValue outputs = top.member("outputs");
    check_count(top, "outputs", outputs.array().size(), nl::kMaxNodes);
    for (std::size_t o = 0; o < outputs.array().size(); ++o) {
      const JsonValue output = outputs.element(o, "an output node name");
      net.outputs.push_back(index.resolve(output.string(), output.where()));
    }
  }

  validate_network(net, loc);
  return net;
}

Network parse_network_text(std::string_view text, const std::string& source) {
  return parse_network(parse_json_text(text, source, kNetworkDocument), source);
}

Network load_network_file(const std::string& path) {
  return parse_network_text(read_text_file(path, kNetworkDocument), path);
}

namespace {

template <class J>
J edge_to_json(const Network& net, const Edge& e) {
  J j;
  j["name"] = e.name;
  j["a"] = net.node_names.at(e.a);
  j["b"] = net.node_names.at(e.b);
  j["kind"] = element_kind_name(e.kind);
  if (e.has_value()) j["trainable"] = e.trainable;  // diodes are never trainable
  switch (e.kind) {
    case ElementKind::Resistor: {
      j["siemens"] = e.siemens;
      // A fixed resistor's bounds are written only when they say more than "its value".
      const bool unset = e.min_siemens == 0.0 && e.max_siemens == 0.0;
      const bool trivial = e.min_siemens == e.siemens && e.max_siemens == e.siemens;
      if (e.trainable || !(unset || trivial)) {
        j["min_siemens"] = e.min_siemens;
        j["max_siemens"] = e.max_siemens;
      }
      break;
    }
    case ElementKind::Digipot:
      j.update(J{{"taps", e.taps}, {"r_ab_ohms", e.r_ab_ohms}, {"r_wiper_ohms", e.r_wiper_ohms}, {"code", e.code}});
      break;
    case ElementKind::Diode:
      j.update(J{{"is_amps", e.is_amps}, {"emission", e.emission}});
      break;
    case ElementKind::Transistor:
      j.update(J{{"gate_volts", e.gate_volts},
                 {"min_gate_volts", e.min_gate_volts},
                 {"max_gate_volts", e.max_gate_volts},
                 {"k_amps_per_volt2", e.k_amps_per_volt2},
                 {"threshold_volts", e.threshold_volts},
                 {"lambda_per_volt", e.lambda_per_volt}});
      break;
    case ElementKind::Memristor: {
      const MemristorParams& p = e.memristor;
      j.update(J{{"siemens", e.siemens}, {"min_siemens", e.min_siemens}, {"max_siemens", e.max_siemens},
                 {"model", pulse_model_name(p.model)}, {"step_siemens", p.step_siemens}, {"up_down", p.up_down},
                 {"step_noise", p.step_noise}, {"spread", p.spread}});
      if (p.model == PulseModel::PowerStep) j["gamma"] = p.gamma;
      j.update(J{{"stuck_on_rate", p.stuck_on_rate}, {"stuck_off_rate", p.stuck_off_rate}, {"drift_nu", p.drift_nu},
                 {"drift_t0_seconds", p.drift_t0_seconds}, {"seconds_per_update", p.seconds_per_update},
                 {"read_volts", p.read_volts}});
      break;
    }
  }
  return j;
}

template <class J>
J to_json(const Network& net) {
  J j;
  j["spiceloop"] = 1;
  j["name"] = net.name;
  if (!net.node_names.empty()) j["ground"] = net.node_names[0];
  j["nodes"] = net.node_names;
  j["inputs"] = J::array();
  for (const Input& in : net.inputs) {
    J o;
    o["node"] = net.node_names.at(in.node);
    o["volts"] = in.volts;
    j["inputs"].push_back(std::move(o));
  }
  j["outputs"] = J::array();
  for (int node : net.outputs) j["outputs"].push_back(net.node_names.at(node));
  j["edges"] = J::array();
  for (const Edge& e : net.edges) j["edges"].push_back(edge_to_json<J>(net, e));
  return j;
}

std::string dump(const nlohmann::ordered_json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }

// One compact dump, then a space after each ',' and ':' outside strings: {"a": 1, "b": 2}.
std::string inline_object(const nlohmann::ordered_json& o) {
  const std::string compact = dump(o);
  std::string s;
  s.reserve(compact.size() + compact.size() / 4);
  bool in_string = false, escaped = false;
  for (char c : compact) {
    s += c;
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == ',' || c == ':') {
      s += ' ';
    }
  }
  return s;
}

// Scalars wrapped at about 100 columns; objects one per line.
std::string layout_array(const nlohmann::ordered_json& a) {
  if (a.empty()) return "[]";
  std::string s = "[";
  if (a.front().is_object()) {
    for (std::size_t i = 0; i < a.size(); ++i) s += (i ? ",\n    " : "\n    ") + inline_object(a[i]);
    return s + "\n  ]";
  }
  std::size_t column = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string item = dump(a[i]);
    if (i > 0) s += ",";
    if (column + item.size() > 96) {
      s += "\n    ";
      column = 0;
    } else if (i > 0) {
      s += " ";
    }
    s += item;
    column += item.size() + 2;
  }
  return s + "]";
}

}  // namespace

json network_to_json(const Network& net) { return to_json<json>(net); }

std::string network_to_text(const Network& net) {
  const auto doc = to_json<nlohmann::ordered_json>(net);
  std::string s = "{";
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    s += it == doc.begin() ? "\n  " : ",\n  ";
    s += dump(it.key()) + ": " + (it.value().is_array() ? layout_array(it.value()) : dump(it.value()));
  }
  return s + "\n}\n";
}

bool looks_like_network(const nlohmann::json& doc) {
  return doc.is_object() && (doc.contains("edges") || doc.contains("generator"));
}

}  // namespace spiceloop
