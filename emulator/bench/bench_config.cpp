#include "emulator/bench/bench_config.hpp"

#include <algorithm>
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
  std::vector<std::string> pointer_of_input(net.inputs.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = pointer_append("/source", i);
    r.object(list[i], p, "source channel");
    r.allow_only(list[i], p, {"channel", "node"});
    const int channel = r.integer(list[i], p, "channel", 1, bench_limits::kMaxSourceChannel);
    r.unique_channel(seen, channel, p);
    const int node = r.node(net, list[i], p, "node");
    const auto it = std::find_if(net.inputs.begin(), net.inputs.end(), [&](const Input& in) { return in.node == node; });
    if (it == net.inputs.end())
      r.fail("not_an_input", pointer_append(p, "node"),
             fmt::format("node \"{}\" is not an input of the network; a source channel drives an input node",
                         net.node_names[node]));
    const auto input = static_cast<std::size_t>(it - net.inputs.begin());
    if (!pointer_of_input[input].empty())
      r.fail("duplicate_node", pointer_append(p, "node"),
             fmt::format("input \"{}\" is already driven by the channel at {}", net.node_names[node],
                         pointer_of_input[input]));
    pointer_of_input[input] = p;
    out.push_back({channel, static_cast<int>(input)});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.channel < b.channel; });
  for (std::size_t i = 0; i < out.size(); ++i)
    if (out[i].channel != static_cast<int>(i) + 1)
      r.fail("channel_gap", "/source",
             fmt::format("source channels must be numbered 1..{} without gaps; channel {} is missing", out.size(),
                         i + 1));
  return out;
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
  r.allow_only(doc, "", {"spiceloop_bench", "name", "description", "network", "source", "scanner", "digipots"});
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
  return config;
}

BenchConfig load_bench_file(const std::string& path) {
  const json doc = parse_json_text(read_text_file(path, "bench"), path, "bench");
  return parse_bench(doc, path, std::filesystem::path(path).parent_path().string());
}

}  // namespace spiceloop
