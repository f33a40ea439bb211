#include "drivers/panel/layout.hpp"

#include <algorithm>
#include <charconv>
#include <deque>
#include <map>
#include <string_view>

namespace spiceloop::panel {

namespace {

// "n3_4" with prefix "n" -> {3, 4}; "r2" -> {2, -1} when one number is wanted.
std::optional<std::pair<int, int>> indices(std::string_view name, std::string_view prefix, bool two) {
  if (name.substr(0, prefix.size()) != prefix) return std::nullopt;
  name.remove_prefix(prefix.size());
  const auto number = [&name](int& out) {
    const auto r = std::from_chars(name.data(), name.data() + name.size(), out);
    if (r.ec != std::errc() || r.ptr == name.data() || out < 0) return false;
    name.remove_prefix(static_cast<std::size_t>(r.ptr - name.data()));
    return true;
  };
  int a = 0, b = -1;
  if (!number(a)) return std::nullopt;
  if (two) {
    if (name.empty() || name.front() != '_') return std::nullopt;
    name.remove_prefix(1);
    if (!number(b)) return std::nullopt;
  }
  if (!name.empty()) return std::nullopt;
  return std::pair{a, b};
}

std::optional<Layout> lattice(const Network& net) {
  Layout l{"lattice", {}, std::vector<std::optional<Point>>(net.edges.size())};
  for (const std::string& name : net.node_names) {
    const auto at = indices(name, "n", true);
    if (!at) return std::nullopt;
    l.nodes.push_back({double(at->first), double(at->second)});
  }
  return l;
}

std::optional<Layout> crossbar(const Network& net) {
  if (net.node_names.empty() || net.node_names[0] != "gnd" || net.node_count() < 3) return std::nullopt;
  Layout l{"crossbar", std::vector<Point>(net.node_names.size()), std::vector<std::optional<Point>>(net.edges.size())};
  int rows = 0, columns = 0;
  bool wires = false, lines = false;
  for (int i = 1; i < net.node_count(); ++i) {
    const std::string& n = net.node_names[i];
    if (auto r = indices(n, "r", false)) {
      lines = true, rows = std::max(rows, r->first + 1);
      l.nodes[i] = {-1.0, double(r->first)};
    } else if (auto c = indices(n, "c", false)) {
      lines = true, columns = std::max(columns, c->first + 1);
      l.nodes[i] = {double(c->first), -1.0};  // placed below the rows once their count is known
    } else if (auto rw = indices(n, "r", true)) {
      wires = true, rows = std::max(rows, rw->first + 1), columns = std::max(columns, rw->second + 1);
      l.nodes[i] = {rw->second - 0.25, double(rw->first)};
    } else if (auto cw = indices(n, "c", true)) {
      wires = true, rows = std::max(rows, cw->first + 1), columns = std::max(columns, cw->second + 1);
      l.nodes[i] = {double(cw->second), cw->first + 0.25};
    } else {
      return std::nullopt;
    }
  }
  if (wires == lines) return std::nullopt;
  for (int i = 1; i < net.node_count(); ++i)
    if (l.nodes[i].y == -1.0) l.nodes[i].y = rows;
  l.nodes[0] = {(columns - 1) / 2.0, rows + (wires ? 1.0 : 1.5)};
  if (lines)
    for (std::size_t j = 0; j < net.edges.size(); ++j)
      if (auto x = indices(net.edges[j].name, "x", true)) l.cells[j] = Point{double(x->second), double(x->first)};
  return l;
}

Layout layers(const Network& net) {
  const int n = net.node_count();
  std::vector<std::vector<int>> adjacent(n);
  for (const Edge& e : net.edges) {
    adjacent[e.a].push_back(e.b);
    adjacent[e.b].push_back(e.a);
  }
  std::vector<int> depth(n, -1);
  std::deque<int> queue;
  for (const Input& in : net.inputs)
    if (depth[in.node] < 0) depth[in.node] = 0, queue.push_back(in.node);
  if (queue.empty() && n > 1) depth[1] = 0, queue.push_back(1);
  while (!queue.empty()) {
    const int v = queue.front();
    queue.pop_front();
    for (int w : adjacent[v])
      if (w != 0 && depth[w] < 0) depth[w] = depth[v] + 1, queue.push_back(w);
  }
  int deepest = 0;
  for (int v = 1; v < n; ++v) deepest = std::max(deepest, depth[v]);
  for (int v = 1; v < n; ++v)
    if (depth[v] < 0) depth[v] = deepest + 1;  // not reachable from an input (only through ground)
  deepest = 0;
  for (int v = 1; v < n; ++v) deepest = std::max(deepest, depth[v]);
  for (int o : net.outputs) depth[o] = deepest + 1;

  std::map<int, std::vector<int>> columns;
  for (int v = 1; v < n; ++v) columns[depth[v]].push_back(v);
  std::size_t tallest = 1;
  for (const auto& [d, vs] : columns) tallest = std::max(tallest, vs.size());
  Layout l{"layers", std::vector<Point>(n), std::vector<std::optional<Point>>(net.edges.size())};
  int column = 0, last = 0;
  for (const auto& [d, vs] : columns) {
    const double top = (double(tallest) - double(vs.size())) / 2.0;
    for (std::size_t k = 0; k < vs.size(); ++k) l.nodes[vs[k]] = {double(column) * 1.5, top + double(k)};
    last = column++;
  }
  l.nodes[0] = {last * 1.5 / 2.0, double(tallest) + 0.5};
  return l;
}

}  // namespace

Layout layout_network(const Network& net) {
  if (auto l = lattice(net)) return *l;
  if (auto l = crossbar(net)) return *l;
  return layers(net);
}

}  // namespace spiceloop::panel
