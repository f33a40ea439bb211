#include "emulator/study/small_nudge.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace spiceloop::study {

namespace {

// The median |I / dV| over the edges that carry a drop: the network's conductance scale.
double median_conductance(const State& s) {
  std::vector<double> k;
  for (std::size_t j = 0; j < s.edge_volts.size(); ++j)
    if (std::abs(s.edge_volts[j]) > 0.0) k.push_back(std::abs(s.edge_amps[j] / s.edge_volts[j]));
  if (k.empty()) return 1.0;
  std::nth_element(k.begin(), k.begin() + static_cast<std::ptrdiff_t>(k.size() / 2), k.end());
  return k[k.size() / 2];
}

}  // namespace

SolverOptions exact_options() {
  SolverOptions o;
  o.reltol = 1e-15;
  o.abstol_amps = 1e-30;
  o.vntol_volts = 1e-30;
  return o;
}

std::vector<double> small_nudge_signal(const RuleSpec& rule, std::span<const double> targets, IdealSimulator& exact) {
  const Network& net = exact.network();
  const Drive free_drive;
  const State free = exact.solve(free_drive);
  RuleSpec r = rule;
  if (r.kind == RuleKind::CenteredEquilibriumPropagation) r.kind = RuleKind::EquilibriumPropagation;
  const double h = r.kind == RuleKind::CoupledLearning ? 1e-3 : 1e-3 * median_conductance(free);
  // A(s) = [g(s) + g(-s)] / 2, accumulated with weight w.
  const auto add_average = [&](double s, double w, std::vector<double>& out) {
    for (double sign : {1.0, -1.0}) {
      r.nudge = sign * s;
      const std::vector<Drive> drives = nudged_drives(r, net, free_drive, free, targets);
      const std::vector<State> nudged = exact.solve_batch(drives);
      accumulate_signal(r, net, free, nudged, 0.5 * w, out);
    }
  };
  std::vector<double> g0(net.edges.size(), 0.0);
  add_average(h, 4.0 / 3.0, g0);
  add_average(2.0 * h, -1.0 / 3.0, g0);
  return g0;
}

double signal_rel_err(std::span<const double> g, std::span<const double> g0) {
  double d2 = 0, n2 = 0;
  for (std::size_t j = 0; j < g.size(); ++j) d2 += (g[j] - g0[j]) * (g[j] - g0[j]), n2 += g0[j] * g0[j];
  if (n2 == 0.0) return d2 == 0.0 ? 0.0 : std::numeric_limits<double>::infinity();
  return std::sqrt(d2 / n2);
}

}  // namespace spiceloop::study
