// Equilibrium Propagation in a circuit (Scellier and Bengio 2017; Kendall et al. 2020): inject a
// fixed current beta (T - V_F), computed from the free state, into each output, as a circuit
// simulator's current source would. Centered EP uses +beta and -beta; for a linear network its
// half-convention update is exactly -alpha dL/dk at any beta.
#include <cassert>

#include "emulator/learning/rules/rule.hpp"

namespace spiceloop::ep {

void set_nudged_drive(double beta, const Network& net, const Drive& free_drive, std::span<const double> free_volts,
                      std::span<const double> targets, Drive& d) {
  assert(targets.size() == net.outputs.size());
  d = free_drive;  // vector members keep their storage
  d.phase = Phase::Nudged;
  d.nudge_amps.resize(net.outputs.size());
  for (std::size_t o = 0; o < net.outputs.size(); ++o)
    d.nudge_amps[o] = beta * (targets[o] - free_volts[net.outputs[o]]);
}

Drive nudged_drive(double beta, const Network& net, const Drive& free_drive, const State& free,
                   std::span<const double> targets) {
  Drive d;
  set_nudged_drive(beta, net, free_drive, free.node_volts, targets, d);
  return d;
}

void accumulate(double beta, double c, const Network& net, const State& free, const State& nudged,
                double weight, std::span<double> signal) {
  const double scale = -weight * c / beta;
  for (std::size_t j = 0; j < net.edges.size(); ++j) {
    const Edge& e = net.edges[j];
    if (!e.trainable || !e.has_value()) continue;
    const double f = free.edge_volts[j], n = nudged.edge_volts[j];
    signal[j] += scale * ((n - f) * (n + f));
  }
}

void accumulate_centered(double beta, double c, const Network& net, const State& plus,
                         const State& minus, double weight, std::span<double> signal) {
  const double scale = -weight * c / (2.0 * beta);
  for (std::size_t j = 0; j < net.edges.size(); ++j) {
    const Edge& e = net.edges[j];
    if (!e.trainable || !e.has_value()) continue;
    const double p = plus.edge_volts[j], m = minus.edge_volts[j];
    signal[j] += scale * ((p - m) * (p + m));
  }
}

}  // namespace spiceloop::ep
