#include "emulator/bench/bench_config.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "emulator/core/error.hpp"
#include "emulator/network/load.hpp"
#include "emulator/network/validate.hpp"

namespace spiceloop {

namespace {

using nlohmann::json;

class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const std::string& id, const std::string& pointer, const std::string& message) const {
    throw InputError("bench." + id, source_.empty() ? pointer : source_ + "#" + pointer, message);
  }

  void object(const json& j, const std::string& pointer, std::string_view what) const {
    if (!j.is_object()) fail("wrong_type", pointer, fmt::format("the {} must be a JSON object", what));
  }

  void allow_only(const json& j, const std::string& pointer, const std::vector<std::string_view>& known) const {
    for (const auto& [key, value] : j.items()) {
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      const std::string guess = closest_match(key, known);
      fail("unknown_key", pointer_append(pointer, key),
           fmt::format("unknown key {}{}", json_quote(key),
                       guess.empty() ? std::string() : fmt::format("; did you mean \"{}\"?", guess)));
    }
  }

  const json& at(const json& j, const std::string& pointer, std::string_view key) const {
    const auto it = j.find(key);
    if (it == j.end()) fail("missing_key", pointer_append(pointer, key), fmt::format("the key \"{}\" is required", key));
    return *it;
  }

  std::string string(const json& j, const std::string& pointer, std::string_view key) const {
    const json& v = at(j, pointer, key);
    if (!v.is_string()) fail("wrong_type", pointer_append(pointer, key), fmt::format("\"{}\" must be a string", key));
    return v.get<std::string>();
  }

  int integer(const json& j, const std::string& pointer, std::string_view key, int lo, int hi) const {
    const json& v = at(j, pointer, key);
    const std::string p = pointer_append(pointer, key);
    if (!v.is_number_integer()) fail("wrong_type", p, fmt::format("\"{}\" must be an integer", key));
    const auto n = v.get<std::int64_t>();
    if (n < lo || n > hi) fail("channel_range", p, fmt::format("channel {} is outside {}..{}", n, lo, hi));
    return static_cast<int>(n);
  }

  const json* array(const json& j, const std::string& pointer, std::string_view key, bool required) const {
    const auto it = j.find(key);
    if (it == j.end()) {
      if (required) at(j, pointer, key);
      return nullptr;
    }
    if (!it->is_array()) fail("wrong_type", pointer_append(pointer, key), fmt::format("\"{}\" must be an array", key));
    return &*it;
  }

  int node(const Network& net, const json& j, const std::string& pointer, std::string_view key) const {
    const std::string name = string(j, pointer, key);
    if (const auto n = net.find_node(name)) return *n;
    std::vector<std::string_view> names(net.node_names.begin(), net.node_names.end());
    const std::string guess = closest_match(name, names);
    fail("unknown_node", pointer_append(pointer, key),
         fmt::format("the network \"{}\" has no node {}{}", net.name, json_quote(name),
                     guess.empty() ? std::string() : fmt::format("; did you mean \"{}\"?", guess)));
  }

  void unique_channel(std::set<int>& seen, int channel, const std::string& pointer) const {
    if (!seen.insert(channel).second)
      fail("duplicate_channel", pointer_append(pointer, "channel"),
           fmt::format("channel {} is wired twice; give each channel one entry", channel));
  }

 private:
  std::string source_;
};

std::vector<SourceChannel> read_source(const Reader& r, const json& list, const Network& net) {
  std::vector<SourceChannel> out;
  std::set<int> seen;
  std::vector<std::string> pointer_of_node(net.node_names.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = pointer_append("/source", i);
    r.object(list[i], p, "source channel");
    r.allow_only(list[i], p, {"channel", "node"});
    const int channel = r.integer(list[i], p, "channel", 1, bench_limits::kMaxSourceChannel);
    r.unique_channel(seen, channel, p);
    const int node = r.node(net, list[i], p, "node");
    SourceChannel c{channel, -1, -1};
    const auto in = std::find_if(net.inputs.begin(), net.inputs.end(), [&](const Input& x) { return x.node == node; });
    const auto o = std::find(net.outputs.begin(), net.outputs.end(), node);
    if (in != net.inputs.end())
      c.input = static_cast<int>(in - net.inputs.begin());
    else if (o != net.outputs.end())
      c.output = static_cast<int>(o - net.outputs.begin());
    else
      r.fail("not_an_input", pointer_append(p, "node"),
             fmt::format("node \"{}\" is neither an input nor an output of the network; a source channel drives "
                         "an input or clamps an output",
                         net.node_names[node]));
    if (!pointer_of_node[node].empty())
      r.fail("duplicate_node", pointer_append(p, "node"),
             fmt::format("node \"{}\" is already driven by the channel at {}", net.node_names[node],
                         pointer_of_node[node]));
    pointer_of_node[node] = p;
    out.push_back(c);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.channel < b.channel; });
  for (std::size_t i = 0; i < out.size(); ++i)
    if (out[i].channel != static_cast<int>(i) + 1)
      r.fail("channel_gap", "/source",
             fmt::format("source channels must be numbered 1..{} without gaps; channel {} is missing", out.size(),
                         i + 1));
  const auto clamps = std::count_if(out.begin(), out.end(), [](const SourceChannel& c) { return c.is_clamp(); });
  if (clamps > 0 && static_cast<std::size_t>(clamps) != net.outputs.size())
    r.fail("partial_clamp", "/source",
           fmt::format("{} of the network's {} outputs have a source channel; clamp every output or none (the "
                       "clamped phase holds all outputs)",
                       clamps, net.outputs.size()));
  return out;
}

std::optional<SmuChannel> read_smu(const Reader& r, const json& j, const Network& net,
                                   const std::vector<SourceChannel>& source) {
  r.object(j, "/smu", "smu");
  r.allow_only(j, "/smu", {"node"});
  const int node = r.node(net, j, "/smu", "node");
  const auto in = std::find_if(net.inputs.begin(), net.inputs.end(), [&](const Input& x) { return x.node == node; });
  if (in == net.inputs.end())
    r.fail("not_an_input", "/smu/node",
           fmt::format("node \"{}\" is not an input of the network; the SMU sources an input node", net.node_names[node]));
  const int input = static_cast<int>(in - net.inputs.begin());
  for (const SourceChannel& c : source)
    if (c.input == input)
      r.fail("duplicate_node", "/smu/node",
             fmt::format("input \"{}\" is already driven by source channel {}", net.node_names[node], c.channel));
  return SmuChannel{input};
}

Realism read_realism(const Reader& r, const json& j) {
  r.object(j, "/realism", "realism");
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
  r.allow_only(j, "/realism", known);
  for (const Knob& knob : knobs) {
    const auto it = j.find(knob.key);
    if (it == j.end()) continue;
    const std::string p = pointer_append("/realism", knob.key);
    if (!it->is_number()) r.fail("wrong_type", p, fmt::format("\"{}\" must be a number", knob.key));
    const double v = it->get<double>();
    const bool signed_ok = knob.key == "offset_volts" || knob.key == "drift_volts_per_second";
    if (!std::isfinite(v) || (!signed_ok && v < 0) || std::abs(v) > knob.max)
      r.fail("out_of_range", p, fmt::format("\"{}\" is {}; it must lie in {}..{}", knob.key, v, signed_ok ? -knob.max : 0.0, knob.max));
    *knob.value = v;
  }
  if (k.line_hz <= 0 && j.contains("line_hz")) r.fail("out_of_range", "/realism/line_hz", "\"line_hz\" must be positive");
  if (k.digipot_miss_probability + k.digipot_double_probability > 1.0)
    r.fail("out_of_range", "/realism", "digipot_miss_probability + digipot_double_probability must not exceed 1");
  if (const auto it = j.find("seed"); it != j.end()) {
    if (!it->is_number_unsigned()) r.fail("wrong_type", "/realism/seed", "\"seed\" must be a non-negative integer");
    k.seed = it->get<std::uint64_t>();
  }
  if (const auto it = j.find("integration_latency"); it != j.end()) {
    if (!it->is_boolean()) r.fail("wrong_type", "/realism/integration_latency", "\"integration_latency\" must be true or false");
    k.integration_latency = it->get<bool>();
  }
  return k;
}

std::vector<ScannerChannel> read_scanner(const Reader& r, const json& list, const Network& net) {
  std::vector<ScannerChannel> out;
  std::set<int> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = pointer_append("/scanner", i);
    r.object(list[i], p, "scanner channel");
    r.allow_only(list[i], p, {"channel", "node", "plus", "minus"});
    const int channel = r.integer(list[i], p, "channel", bench_limits::kMinScannerChannel,
                                  bench_limits::kMaxScannerChannel);
    r.unique_channel(seen, channel, p);
    ScannerChannel c{channel, 0, 0};
    if (list[i].contains("node")) {
      if (list[i].contains("plus") || list[i].contains("minus"))
        r.fail("conflicting_keys", p, "give either \"node\" (measured to ground) or \"plus\" and \"minus\", not both");
      c.plus = r.node(net, list[i], p, "node");
    } else {
      c.plus = r.node(net, list[i], p, "plus");
      c.minus = r.node(net, list[i], p, "minus");
      if (c.plus == c.minus) r.fail("same_node", pointer_append(p, "minus"), "\"plus\" and \"minus\" name the same node");
    }
    out.push_back(c);
  }
  return out;
}

std::vector<DigipotChannel> read_digipots(const Reader& r, const json& list, const Network& net) {
  std::vector<DigipotChannel> out;
  std::set<int> seen, edges;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = pointer_append("/digipots", i);
    r.object(list[i], p, "digipot channel");
    r.allow_only(list[i], p, {"channel", "edge"});
    const int channel = r.integer(list[i], p, "channel", 1, bench_limits::kMaxDigipotChannel);
    r.unique_channel(seen, channel, p);
    const std::string name = r.string(list[i], p, "edge");
    const auto edge = net.find_edge(name);
    if (!edge) r.fail("unknown_edge", pointer_append(p, "edge"), fmt::format("the network has no edge {}", json_quote(name)));
    if (net.edges[*edge].kind != ElementKind::Digipot)
      r.fail("not_a_digipot", pointer_append(p, "edge"),
             fmt::format("edge \"{}\" is not a digipot; only digipot edges have a code to set", name));
    if (!edges.insert(*edge).second)
      r.fail("duplicate_edge", pointer_append(p, "edge"), fmt::format("edge \"{}\" is on two channels", name));
    out.push_back({channel, *edge});
  }
  return out;
}

}  // namespace

BenchConfig parse_bench(const json& doc, const std::string& source, const std::string& base_dir) {
  const Reader r(source);
  r.object(doc, "", "bench");
  r.allow_only(doc, "", {"spiceloop_bench", "name", "description", "network", "source", "scanner", "digipots", "smu", "realism"});
  const json& version = r.at(doc, "", "spiceloop_bench");
  if (!version.is_number_integer() || version.get<std::int64_t>() != 1)
    r.fail("unsupported_version", "/spiceloop_bench", "this build reads bench files with \"spiceloop_bench\": 1");

  BenchConfig config;
  config.name = doc.contains("name") ? r.string(doc, "", "name") : std::string();
  const std::string relative = r.string(doc, "", "network");
  namespace fs = std::filesystem;
  const fs::path path = fs::path(relative).is_absolute() ? fs::path(relative) : fs::path(base_dir) / relative;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    r.fail("network_not_found", "/network",
           fmt::format("the network file \"{}\" does not exist (a relative path starts at the bench file's folder)",
                       path.string()));
  config.network_path = path.lexically_normal().string();
  config.network = load_network_file(config.network_path);

  config.source = read_source(r, *r.array(doc, "", "source", true), config.network);
  if (const json* scanner = r.array(doc, "", "scanner", false)) config.scanner = read_scanner(r, *scanner, config.network);
  if (const json* digipots = r.array(doc, "", "digipots", false))
    config.digipots = read_digipots(r, *digipots, config.network);
  if (const auto it = doc.find("smu"); it != doc.end()) config.smu = read_smu(r, *it, config.network, config.source);
  if (const auto it = doc.find("realism"); it != doc.end()) config.realism = read_realism(r, *it);
  return config;
}

BenchConfig load_bench_file(const std::string& path) {
  const json doc = parse_json_text(read_text_file(path, "bench"), path, "bench");
  return parse_bench(doc, path, std::filesystem::path(path).parent_path().string());
}

}  // namespace spiceloop
