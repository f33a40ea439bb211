#include "drivers/client/hil/network_match.hpp"

#include <fmt/format.h>

namespace spiceloop::hil {

std::optional<std::string> network_difference(const Network& n, const Network& b, const std::string& there) {
  if (n.node_count() != b.node_count())
    return fmt::format("{} nodes here, {} {}", n.node_count(), b.node_count(), there);
  for (int i = 0; i < n.node_count(); ++i)
    if (n.node_names[i] != b.node_names[i])
      return fmt::format("node {} is '{}' here and '{}' {}", i, n.node_names[i], b.node_names[i], there);
  if (n.edge_count() != b.edge_count())
    return fmt::format("{} edges here, {} {}", n.edge_count(), b.edge_count(), there);
  for (std::size_t j = 0; j < n.edges.size(); ++j) {
    const Edge& x = n.edges[j];
    const Edge& y = b.edges[j];
    const std::string edge = fmt::format("edge {} ('{}')", j, x.name);
    if (x.name != y.name) return fmt::format("{} is '{}' {}", edge, y.name, there);
    if (x.a != y.a || x.b != y.b)
      return fmt::format("{} joins {}-{} here and {}-{} {}", edge, n.node_names[x.a], n.node_names[x.b],
                           b.node_names[y.a], b.node_names[y.b], there);
    if (x.kind != y.kind) return fmt::format("{} is a {} here and a {} {}", edge, element_kind_name(x.kind), element_kind_name(y.kind), there);
    if (x.kind == ElementKind::Digipot &&
        (x.taps != y.taps || x.r_ab_ohms != y.r_ab_ohms || x.r_wiper_ohms != y.r_wiper_ohms))
      return fmt::format("{}: digipot {} taps, {} + {} ohm here and {} taps, {} + {} ohm {} (codes would "
                           "mean other resistances)",
                           edge, x.taps, x.r_ab_ohms, x.r_wiper_ohms, y.taps, y.r_ab_ohms, y.r_wiper_ohms, there);
    if (x.kind == ElementKind::Memristor &&
        (!(x.memristor == y.memristor) || x.min_siemens != y.min_siemens || x.max_siemens != y.max_siemens))
      return fmt::format("{}: its memristor parameters (model, steps, noise, spread, bounds) differ {} (pulses "
                         "would move it otherwise)",
                         edge, there);
  }
  if (n.inputs.size() != b.inputs.size())
    return fmt::format("{} inputs here, {} {}", n.inputs.size(), b.inputs.size(), there);
  for (std::size_t i = 0; i < n.inputs.size(); ++i)
    if (n.inputs[i].node != b.inputs[i].node)
      return fmt::format("input {} is node '{}' here and '{}' {}", i, n.node_names[n.inputs[i].node],
                           b.node_names[b.inputs[i].node], there);
  if (n.outputs.size() != b.outputs.size())
    return fmt::format("{} outputs here, {} {}", n.outputs.size(), b.outputs.size(), there);
  for (std::size_t o = 0; o < n.outputs.size(); ++o)
    if (n.outputs[o] != b.outputs[o])
      return fmt::format("output {} is node '{}' here and '{}' {}", o, n.node_names[n.outputs[o]],
                           b.node_names[b.outputs[o]], there);
  return std::nullopt;
}

}  // namespace spiceloop::hil
