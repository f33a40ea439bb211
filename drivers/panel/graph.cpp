#include "drivers/panel/graph.hpp"

#include <algorithm>

#include "drivers/panel/layout.hpp"

namespace spiceloop::panel {

nlohmann::json graph_json(const Network& net) {
  const Layout l = layout_network(net);
  nlohmann::json nodes = nlohmann::json::array(), edges = nlohmann::json::array();
  for (int v = 0; v < net.node_count(); ++v) {
    std::string role;
    if (v == 0) role = "ground";
    if (std::any_of(net.inputs.begin(), net.inputs.end(), [v](const Input& in) { return in.node == v; })) role = "input";
    if (std::find(net.outputs.begin(), net.outputs.end(), v) != net.outputs.end()) role = "output";
    nodes.push_back({{"name", net.node_names[v]}, {"x", l.nodes[v].x}, {"y", l.nodes[v].y}, {"role", role}});
  }
  for (std::size_t j = 0; j < net.edges.size(); ++j) {
    const Edge& e = net.edges[j];
    nlohmann::json edge = {{"name", e.name}, {"a", e.a}, {"b", e.b}, {"kind", element_kind_name(e.kind)}, {"trainable", e.trainable}};
    if (e.kind == ElementKind::Digipot) edge["taps"] = e.taps;
    if (e.is_linear()) edge["range"] = {e.min_siemens, e.max_siemens};
    if (l.cells[j]) edge["cell"] = {l.cells[j]->x, l.cells[j]->y};
    edges.push_back(std::move(edge));
  }
  return {{"layout", l.kind}, {"nodes", std::move(nodes)}, {"edges", std::move(edges)}};
}

}  // namespace spiceloop::panel
