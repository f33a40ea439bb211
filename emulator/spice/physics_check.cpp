#include "emulator/spice/physics_check.hpp"

#include <algorithm>
#include <cmath>

#include "emulator/core/error.hpp"
#include "emulator/core/numbers.hpp"
#include "emulator/spice/protocol.hpp"

namespace spiceloop {

VoltageBounds voltage_bounds(const Network& net, const Drive& d, bool twin_clamped_copy) {
  VoltageBounds b;  // ground is a source at 0 V
  auto include = [&b](double v) {
    b.lo_volts = std::min(b.lo_volts, v);
    b.hi_volts = std::max(b.hi_volts, v);
  };
  for (size_t i = 0; i < net.inputs.size(); ++i) include(d.input_volts.empty() ? net.inputs[i].volts : d.input_volts[i]);
  if (d.phase == Phase::Clamped)
    for (double v : d.clamp_volts) include(v);
  // The twin clamp holds (1 - eta) V_free + eta T: between the free copy's range and the target.
  if (d.phase == Phase::Twin && twin_clamped_copy)
    for (double t : d.twin_targets) include(t);
  if (d.phase == Phase::Nudged) {
    if (!net.is_linear()) {
      b.bounded = false;
      return b;
    }
    double amps = 0.0, ohms = 0.0;
    for (double i : d.nudge_amps) amps += std::abs(i);
    for (const Edge& e : net.edges) ohms += 1.0 / e.siemens;
    b.lo_volts -= amps * ohms;
    b.hi_volts += amps * ohms;
  }
  return b;
}

double spice_kcl_residual_amps(const Network& net, const State& s, double gmin_siemens,
                               const std::vector<double>& nudge_amps, bool outputs_held,
                               double* max_edge_amps) {
  const int n = net.node_count();
  std::vector<double> out(n, 0.0);  // current leaving each node through elements
  double max_edge = 0.0;
  for (size_t j = 0; j < net.edges.size(); ++j) {
    const Edge& e = net.edges[j];
    const double dv = s.edge_volts[j];
    const double i = e.kind == ElementKind::Diode
                         ? e.is_amps * std::expm1(dv / (e.emission * kNgspiceThermalVolts)) + gmin_siemens * dv
                         : s.edge_amps[j];
    out[e.a] += i;
    out[e.b] -= i;
    if (e.kind == ElementKind::Transistor) {  // gmin across each channel-to-body junction
      out[e.a] += gmin_siemens * s.node_volts[e.a];
      out[e.b] += gmin_siemens * s.node_volts[e.b];
    }
    max_edge = std::max(max_edge, std::abs(i));
  }
  std::vector<char> held(n, 0);
  held[0] = 1;
  for (const Input& in : net.inputs) held[in.node] = 1;
  for (size_t o = 0; o < net.outputs.size(); ++o) {
    if (outputs_held) held[net.outputs[o]] = 1;
    else if (o < nudge_amps.size()) out[net.outputs[o]] -= nudge_amps[o];
  }
  double worst = 0.0;
  for (int v = 0; v < n; ++v)
    if (!held[v]) worst = std::max(worst, std::abs(out[v]));
  if (max_edge_amps) *max_edge_amps = max_edge;
  return worst;
}

void check_physics(const Network& net, const State& s, const VoltageBounds& b, const SolverOptions& options,
                   const std::vector<double>& nudge_amps, bool outputs_held, const std::string& where,
                   const std::vector<std::string>& lines) {
  auto fail = [&](const std::string& message) {
    throw SimulationError(protocol::kPhysicsCheck, where, message, lines);
  };
  const double margin = 1e-6 * (b.hi_volts - b.lo_volts) + 1e-9;
  for (int v = 1; v < net.node_count(); ++v) {
    const double x = s.node_volts[v];
    if (!std::isfinite(x)) fail("node '" + net.node_names[v] + "' has a non-finite voltage");
    if (b.bounded && (x < b.lo_volts - margin || x > b.hi_volts + margin))
      fail("node '" + net.node_names[v] + "' is at " + format_double(x) + " V, outside the source range [" +
           format_double(b.lo_volts) + ", " + format_double(b.hi_volts) + "] V");
  }
  double max_edge = 0.0;
  const double worst = spice_kcl_residual_amps(net, s, options.gmin_siemens, nudge_amps, outputs_held, &max_edge);
  const double allowed = options.kcl_tolerance * max_edge + options.abstol_amps;
  if (!(worst <= allowed))
    fail("KCL residual " + format_double(worst) + " A exceeds " + format_double(allowed) +
         " A (kcl_tolerance " + format_double(options.kcl_tolerance) + " of the largest edge current " +
         format_double(max_edge) + " A, plus abstol)");
}

}  // namespace spiceloop
