#include "emulator/bench/bench_config.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "emulator/core/error.hpp"
#include "emulator/core/json_text.hpp"
#include "emulator/core/suggest.hpp"
#include "emulator/network/load.hpp"

namespace spiceloop {

namespace {

using nlohmann::json;

int channel_number(const JsonObject& o, int lo, int hi) {
  const std::int64_t n = o.integer("channel");
  if (n < lo || n > hi) o.fail("channel_range", "channel", fmt::format("channel {} is outside {}..{}", n, lo, hi));
  return static_cast<int>(n);
}

void unique_channel(const JsonObject& o, std::set<int>& seen, int channel) {
  if (!seen.insert(channel).second)
    o.fail("duplicate_channel", "channel", fmt::format("channel {} is wired twice; give each channel one entry", channel));
}

int node_of(const JsonObject& o, std::string_view key, const Network& net) {
  const std::string name = o.string(key);
  if (const auto n = net.find_node(name)) return *n;
  const std::string guess = closest_match(name, net.node_names);
  o.fail("unknown_node", key,
         fmt::format("the network \"{}\" has no node {}{}", net.name, json_quote(name),
                     guess.empty() ? std::string() : fmt::format("; did you mean \"{}\"?", guess)));
}

// Each element of the list at key as an object, with its position for messages.
template <class F>
void for_each_entry(const JsonObject& doc, std::string_view key, const std::string& what, F&& read) {
  const JsonValue list = doc.member(key);
  for (std::size_t i = 0; i < list.array().size(); ++i) read(list.element(i, what).object());
}

std::vector<SourceChannel> read_source(const JsonObject& doc, const Network& net) {
  std::vector<SourceChannel> out;
  std::set<int> seen;
  std::vector<std::string> pointer_of_node(net.node_names.size());
  for_each_entry(doc, "source", "a source channel", [&](const JsonObject& o) {
    o.allow_only({"channel", "node"});
    const int channel = channel_number(o, 1, bench_limits::kMaxSourceChannel);
    unique_channel(o, seen, channel);
    const int node = node_of(o, "node", net);
    SourceChannel c{channel, -1, -1};
    const auto in = std::find_if(net.inputs.begin(), net.inputs.end(), [&](const Input& x) { return x.node == node; });
    const auto out_it = std::find(net.outputs.begin(), net.outputs.end(), node);
    if (in != net.inputs.end())
      c.input = static_cast<int>(in - net.inputs.begin());
    else if (out_it != net.outputs.end())
      c.output = static_cast<int>(out_it - net.outputs.begin());
    else
      o.fail("not_an_input", "node",
             fmt::format("node \"{}\" is neither an input nor an output of the network; a source channel drives "
                         "an input or clamps an output",
                         net.node_names[node]));
    if (!pointer_of_node[node].empty())
      o.fail("duplicate_node", "node",
             fmt::format("node \"{}\" is already driven by the channel at {}", net.node_names[node],
                         pointer_of_node[node]));
    pointer_of_node[node] = o.pointer();
    out.push_back(c);
  });
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.channel < b.channel; });
  for (std::size_t i = 0; i < out.size(); ++i)
    if (out[i].channel != static_cast<int>(i) + 1)
      doc.fail("channel_gap", "source",
               fmt::format("source channels must be numbered 1..{} without gaps; channel {} is missing", out.size(),
                           i + 1));
  const auto clamps = std::count_if(out.begin(), out.end(), [](const SourceChannel& c) { return c.is_clamp(); });
  if (clamps > 0 && static_cast<std::size_t>(clamps) != net.outputs.size())
    doc.fail("partial_clamp", "source",
             fmt::format("{} of the network's {} outputs have a source channel; clamp every output or none (the "
                         "clamped phase holds all outputs)",
                         clamps, net.outputs.size()));
  return out;
}

std::optional<SmuChannel> read_smu(const JsonObject& o, const Network& net, const std::vector<SourceChannel>& source) {
  o.allow_only({"node"});
  const int node = node_of(o, "node", net);
  const auto in = std::find_if(net.inputs.begin(), net.inputs.end(), [&](const Input& x) { return x.node == node; });
  if (in == net.inputs.end())
    o.fail("not_an_input", "node",
           fmt::format("node \"{}\" is not an input of the network; the SMU sources an input node", net.node_names[node]));
  const int input = static_cast<int>(in - net.inputs.begin());
  for (const SourceChannel& c : source)
    if (c.input == input)
      o.fail("duplicate_node", "node",
             fmt::format("input \"{}\" is already driven by source channel {}", net.node_names[node], c.channel));
  return SmuChannel{input};
}

Realism read_realism(const JsonObject& o) {
  Realism k;
  struct Knob {
    std::string_view key;
    double* value;
    double max;
  };
  const Knob knobs[] = {
      {"noise_volts", &k.noise_volts, 1e3},
      {"noise_amps", &k.noise_amps, 1e3},
      {"lsb_volts", &k.lsb_volts, 1e3},
      {"lsb_amps", &k.lsb_amps, 1e3},
      {"offset_volts", &k.offset_volts, 1e3},
      {"drift_volts_per_second", &k.drift_volts_per_second, 1e3},
      {"settling_seconds", &k.settling_seconds, 10.0},
      {"line_hz", &k.line_hz, 1e3},
      {"command_latency_seconds", &k.command_latency_seconds, 10.0},
      {"digipot_miss_probability", &k.digipot_miss_probability, 1.0},
      {"digipot_double_probability", &k.digipot_double_probability, 1.0},
      {"digipot_tolerance", &k.digipot_tolerance, 0.5},
      {"twin_mismatch", &k.twin_mismatch, 0.5},
  };
  std::vector<std::string_view> known{"seed", "integration_latency"};
  for (const Knob& knob : knobs) known.push_back(knob.key);
  o.allow_only(known);
  for (const Knob& knob : knobs) {
    if (!o.has(knob.key)) continue;
    const double v = o.number(knob.key);
    const bool signed_ok = knob.key == "offset_volts" || knob.key == "drift_volts_per_second";
    if ((!signed_ok && v < 0) || std::abs(v) > knob.max)
      o.fail("out_of_range", knob.key,
             fmt::format("\"{}\" is {}; it must lie in {}..{}", knob.key, v, signed_ok ? -knob.max : 0.0, knob.max));
    *knob.value = v;
  }
  if (k.line_hz <= 0 && o.has("line_hz")) o.fail("out_of_range", "line_hz", "\"line_hz\" must be positive");
  if (k.digipot_miss_probability + k.digipot_double_probability > 1.0)
    o.fail("out_of_range", "", "digipot_miss_probability + digipot_double_probability must not exceed 1");
  if (o.has("seed")) {
    const JsonValue seed = o.member("seed");
    if (!seed.json().is_number_unsigned()) seed.wrong_type("a non-negative integer");
    k.seed = seed.unsigned_integer();
  }
  k.integration_latency = o.boolean("integration_latency", k.integration_latency);
  return k;
}

std::vector<ScannerChannel> read_scanner(const JsonObject& doc, const Network& net) {
  std::vector<ScannerChannel> out;
  std::set<int> seen;
  for_each_entry(doc, "scanner", "a scanner channel", [&](const JsonObject& o) {
    o.allow_only({"channel", "node", "plus", "minus"});
    const int channel = channel_number(o, bench_limits::kMinScannerChannel, bench_limits::kMaxScannerChannel);
    unique_channel(o, seen, channel);
    ScannerChannel c{channel, 0, 0};
    if (o.has("node")) {
      if (o.has("plus") || o.has("minus"))
        o.fail("conflicting_keys", "", "give either \"node\" (measured to ground) or \"plus\" and \"minus\", not both");
      c.plus = node_of(o, "node", net);
    } else {
      c.plus = node_of(o, "plus", net);
      c.minus = node_of(o, "minus", net);
      if (c.plus == c.minus) o.fail("same_node", "minus", "\"plus\" and \"minus\" name the same node");
    }
    out.push_back(c);
  });
  return out;
}

std::vector<DigipotChannel> read_digipots(const JsonObject& doc, const Network& net) {
  std::vector<DigipotChannel> out;
  std::set<int> seen, edges;
  for_each_entry(doc, "digipots", "a digipot channel", [&](const JsonObject& o) {
    o.allow_only({"channel", "edge"});
    const int channel = channel_number(o, 1, bench_limits::kMaxDigipotChannel);
    unique_channel(o, seen, channel);
    const std::string name = o.string("edge");
    const auto edge = net.find_edge(name);
    if (!edge) o.fail("unknown_edge", "edge", fmt::format("the network has no edge {}", json_quote(name)));
    if (net.edges[*edge].kind != ElementKind::Digipot)
      o.fail("not_a_digipot", "edge",
             fmt::format("edge \"{}\" is not a digipot; only digipot edges have a code to set", name));
    if (!edges.insert(*edge).second)
      o.fail("duplicate_edge", "edge", fmt::format("edge \"{}\" is on two channels", name));
    out.push_back({channel, *edge});
  });
  return out;
}

PulserConfig read_pulser(const JsonObject& doc, const Network& net) {
  doc.allow_only({"channels", "max_count", "seed"});
  PulserConfig out;
  std::set<int> seen, edges;
  for_each_entry(doc, "channels", "a pulser channel", [&](const JsonObject& o) {
    o.allow_only({"channel", "edge"});
    const int channel = channel_number(o, 1, bench_limits::kMaxPulserChannel);
    unique_channel(o, seen, channel);
    const std::string name = o.string("edge");
    const auto edge = net.find_edge(name);
    if (!edge) o.fail("unknown_edge", "edge", fmt::format("the network has no edge {}", json_quote(name)));
    const Edge& e = net.edges[*edge];
    if (e.kind != ElementKind::Memristor)
      o.fail("not_a_memristor", "edge",
             fmt::format("edge \"{}\" is a {}, not a memristor; only memristors are programmed by pulses", name,
                         element_kind_name(e.kind)));
    if (e.memristor.drift_nu != 0.0)
      o.fail("memristor_drift", "edge",
             fmt::format("memristor \"{}\" drifts (drift_nu {}); the pulser's devices hold what they are "
                         "programmed to, since no clock on the table ages them as the trainer's steps do: set "
                         "drift_nu 0",
                         name, e.memristor.drift_nu));
    if (!edges.insert(*edge).second)
      o.fail("duplicate_edge", "edge", fmt::format("edge \"{}\" is on two channels", name));
    out.channels.push_back({channel, *edge});
  });
  if (doc.has("max_count")) {
    const std::int64_t n = doc.integer("max_count");
    if (n < 1 || n > bench_limits::kMaxPulseCount)
      doc.fail("out_of_range", "max_count",
               fmt::format("\"max_count\" is {}; it must lie in 1..{}", n, bench_limits::kMaxPulseCount));
    out.max_count = static_cast<int>(n);
  }
  if (doc.has("seed")) {
    const JsonValue seed = doc.member("seed");
    if (!seed.json().is_number_unsigned()) seed.wrong_type("a non-negative integer");
    out.seed = seed.unsigned_integer();
  }
  return out;
}

}  // namespace

BenchConfig parse_bench(const json& doc, const std::string& source, const std::string& base_dir) {
  const JsonObject o(doc, kBenchDocument, JsonOrigin{source, ""}, "", "a bench");
  if (looks_like_network(doc))
    throw InputError("bench.is_network", source,
           "this is a network, not a bench: `spiceloop serve` takes a bench (netlists/benches/*.json) whose "
           "\"network\" names a network file like this one and says which instrument channel sees which node");
  o.allow_only({"spiceloop_bench", "name", "description", "network", "source", "scanner", "digipots", "smu", "pulser", "realism"});
  const json& version = o.at("spiceloop_bench");
  if (!version.is_number_integer() || version.get<std::int64_t>() != 1)
    o.fail("unsupported_version", "spiceloop_bench", "this build reads bench files with \"spiceloop_bench\": 1");

  BenchConfig config;
  config.name = o.string("name", "");
  const std::string relative = o.string("network");
  namespace fs = std::filesystem;
  const fs::path path = fs::path(relative).is_absolute() ? fs::path(relative) : fs::path(base_dir) / relative;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    o.fail("network_not_found", "network",
           missing_file_message(path, !fs::path(relative).is_absolute(), "bench"));
  config.network_path = path.lexically_normal().string();
  config.network = load_network_file(config.network_path);

  config.source = read_source(o, config.network);
  if (o.has("scanner")) config.scanner = read_scanner(o, config.network);
  if (o.has("digipots")) config.digipots = read_digipots(o, config.network);
  if (o.has("smu")) config.smu = read_smu(o.object("smu", "the smu"), config.network, config.source);
  if (o.has("pulser")) config.pulser = read_pulser(o.object("pulser", "the pulser"), config.network);
  if (o.has("realism")) config.realism = read_realism(o.object("realism", "the realism knobs"));
  return config;
}

BenchConfig load_bench_file(const std::string& path) {
  const json doc = load_json_file(path, kBenchDocument);
  return parse_bench(doc, path, std::filesystem::path(path).parent_path().string());
}

}  // namespace spiceloop
