// Coupled Learning (Stern et al., PRX 11, 021045, 2021): clamp the outputs a fraction eta of the
// way from the free response to the target; edges whose drop grows when clamped lose conductance.
#include <cassert>

#include "emulator/learning/rules/rule.hpp"

namespace spiceloop::cl {

void set_clamped_drive(double eta, const Network& net, const Drive& free_drive, std::span<const double> free_volts,
                       std::span<const double> targets, Drive& d) {
  assert(targets.size() == net.outputs.size());
  d = free_drive;  // vector members keep their storage
  d.phase = Phase::Clamped;
  d.clamp_volts.resize(net.outputs.size());
  for (std::size_t o = 0; o < net.outputs.size(); ++o) {
    const double vf = free_volts[net.outputs[o]];
    d.clamp_volts[o] = vf + eta * (targets[o] - vf);
  }
}

Drive clamped_drive(double eta, const Network& net, const Drive& free_drive, const State& free,
                    std::span<const double> targets) {
  Drive d;
  set_clamped_drive(eta, net, free_drive, free.node_volts, targets, d);
  return d;
}

void accumulate(double eta, double c, const Network& net, const State& free, const State& clamped,
                double weight, std::span<double> signal) {
  const double scale = -weight * c / eta;
  for (std::size_t j = 0; j < net.edges.size(); ++j) {
    const Edge& e = net.edges[j];
    if (!e.trainable || !e.has_value()) continue;
    const double f = free.edge_volts[j], k = clamped.edge_volts[j];
    // (k - f)(k + f) rather than k^2 - f^2: exact zero for equal states, fewer cancelled digits.
    signal[j] += scale * ((k - f) * (k + f));
  }
}

}  // namespace spiceloop::cl
