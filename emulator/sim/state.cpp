#include "emulator/sim/state.hpp"

#include <algorithm>
#include <cmath>

#include "emulator/network/memristor.hpp"
#include "emulator/network/transistor.hpp"

namespace spiceloop {

double edge_current(const Edge& e, double volts_a, double volts_b) {
  const double dv = volts_a - volts_b;
  switch (e.kind) {
    case ElementKind::Diode: return e.is_amps * std::expm1(dv / (e.emission * kThermalVolts));
    case ElementKind::Transistor: return transistor_point(e, volts_a, volts_b).amps;
    case ElementKind::Memristor: return memristor_point(e, volts_a, volts_b).amps;
    default: return e.siemens * dv;
  }
}

State make_state(const Network& net, std::vector<double> node_volts,
                 const std::vector<double>& nudge_amps, bool outputs_held) {
  State s;
  const int n = net.node_count();
  s.node_volts = std::move(node_volts);
  s.node_volts[0] = 0.0;
  std::vector<double> net_out(n, 0.0);  // current leaving each node through edges
  double max_edge = 0.0;
  s.edge_volts.resize(net.edges.size());
  s.edge_amps.resize(net.edges.size());
  for (size_t j = 0; j < net.edges.size(); ++j) {
    const Edge& e = net.edges[j];
    const double dv = s.node_volts[e.a] - s.node_volts[e.b];
    const double i = edge_current(e, s.node_volts[e.a], s.node_volts[e.b]);
    s.edge_volts[j] = dv;
    s.edge_amps[j] = i;
    s.power_watts += i * dv;
    net_out[e.a] += i;
    net_out[e.b] -= i;
    max_edge = std::max(max_edge, std::abs(i));
  }
  std::vector<char> held(n, 0);
  held[0] = 1;
  s.source_amps.resize(net.inputs.size());
  for (size_t i = 0; i < net.inputs.size(); ++i) {
    held[net.inputs[i].node] = 1;
    s.source_amps[i] = net_out[net.inputs[i].node];
  }
  s.output_amps.assign(net.outputs.size(), 0.0);
  for (size_t o = 0; o < net.outputs.size(); ++o) {
    const int node = net.outputs[o];
    if (outputs_held) {
      held[node] = 1;
      s.output_amps[o] = net_out[node];
    } else if (o < nudge_amps.size()) {
      s.output_amps[o] = nudge_amps[o];
      net_out[node] -= nudge_amps[o];
    }
  }
  double worst = 0.0;
  for (int v = 0; v < n; ++v)
    if (!held[v]) worst = std::max(worst, std::abs(net_out[v]));
  s.kcl_residual = max_edge > 0.0 ? worst / max_edge : worst;
  return s;
}

}  // namespace spiceloop
