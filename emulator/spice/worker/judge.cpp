#include "emulator/spice/worker/judge.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "emulator/netlist/deck.hpp"

namespace spiceloop::worker {

bool is_failure_line(std::string_view line) {
  static constexpr std::string_view patterns[] = {
      "error",         "singular",        "gmin stepping failed", "source stepping failed",
      "timestep too small", "aborted",    "not parsed",           "warning",
      "transient op",  "no such",         "unknown",              "fatal",
      "could not",     "cannot",          "can't",                "no convergence",
      "not converge",  "iteration limit",
  };
  std::string lower(line);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::string_view p : patterns)
    if (lower.find(p) != std::string::npos) return true;
  return false;
}

std::optional<std::string> first_failure(const std::vector<std::string>& lines) {
  for (const std::string& l : lines)
    if (is_failure_line(l)) return l;
  return std::nullopt;
}

namespace {

// The identifier that follows `key` in line ("" if none).
std::string word_after(const std::string& line, std::string_view key) {
  const std::size_t at = line.find(key);
  if (at == std::string::npos) return "";
  std::size_t b = at + key.size();
  while (b < line.size() && line[b] == ' ') ++b;
  std::size_t e = b;
  while (e < line.size() && (std::isalnum(static_cast<unsigned char>(line[e])) || line[e] == '_')) ++e;
  return line.substr(b, e - b);
}

std::string lowered(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

std::string blamed(const Network& net, const std::vector<std::string>& lines) {
  std::set<int> nodes, edges;
  for (const std::string& line : lines) {
    // ngspice prints names in lower case; the deck's are spice_node / spice_element (deck.hpp).
    const std::string node = word_after(line, "check node"), element = word_after(line, "-instance");
    for (int v = 1; v < net.node_count(); ++v)
      for (int copy : {0, 1})
        if (!node.empty() && lowered(spice_node(net, v, copy)) == lowered(node)) nodes.insert(v);
    for (int j = 0; j < net.edge_count(); ++j)
      for (int copy : {0, 1})
        if (!element.empty() && lowered(spice_element(net, j, copy)) == lowered(element)) edges.insert(j);
  }
  std::string out;
  for (int v : nodes) {
    out += (out.empty() ? "" : "; ") + std::string("node '") + net.node_names[v] + "' (edges";
    const char* sep = " ";
    for (const Edge& e : net.edges)
      if (e.a == v || e.b == v) out += sep + ("'" + e.name + "'"), sep = ", ";
    out += ")";
  }
  for (int j : edges)
    out += (out.empty() ? "" : "; ") + std::string("edge '") + net.edges[j].name + "' (" +
           element_kind_name(net.edges[j].kind) + ")";
  return out;
}

}  // namespace spiceloop::worker
