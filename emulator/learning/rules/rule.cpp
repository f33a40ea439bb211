#include "emulator/learning/rules/rule.hpp"

#include <cassert>

namespace spiceloop {

const char* rule_name(RuleKind k) {
  switch (k) {
    case RuleKind::CoupledLearning: return "cl";
    case RuleKind::EquilibriumPropagation: return "ep";
    case RuleKind::CenteredEquilibriumPropagation: return "ep_centered";
  }
  return "?";
}

const char* convention_name(FactorConvention c) {
  return c == FactorConvention::Code ? "code" : "half";
}

std::vector<double> output_residual(const Network& net, const State& s, std::span<const double> targets) {
  assert(targets.size() == net.outputs.size());
  std::vector<double> r(net.outputs.size());
  for (std::size_t o = 0; o < r.size(); ++o) r[o] = targets[o] - s.node_volts[net.outputs[o]];
  return r;
}

std::vector<Drive> nudged_drives(const RuleSpec& rule, const Network& net, const Drive& free_drive,
                                 const State& free, std::span<const double> targets) {
  switch (rule.kind) {
    case RuleKind::CoupledLearning:
      return {cl::clamped_drive(rule.nudge, net, free_drive, free, targets)};
    case RuleKind::EquilibriumPropagation:
      return {ep::nudged_drive(rule.nudge, net, free_drive, free, targets)};
    case RuleKind::CenteredEquilibriumPropagation:
      return {ep::nudged_drive(rule.nudge, net, free_drive, free, targets),
              ep::nudged_drive(-rule.nudge, net, free_drive, free, targets)};
  }
  return {};
}

void accumulate_signal(const RuleSpec& rule, const Network& net, const State& free,
                       std::span<const State> nudged, double weight, std::span<double> signal) {
  const double c = rule.factor();
  switch (rule.kind) {
    case RuleKind::CoupledLearning:
      assert(nudged.size() == 1);
      cl::accumulate(rule.nudge, c, net, free, nudged[0], weight, signal);
      break;
    case RuleKind::EquilibriumPropagation:
      assert(nudged.size() == 1);
      ep::accumulate(rule.nudge, c, net, free, nudged[0], weight, signal);
      break;
    case RuleKind::CenteredEquilibriumPropagation:
      assert(nudged.size() == 2);
      ep::accumulate_centered(rule.nudge, c, net, nudged[0], nudged[1], weight, signal);
      break;
  }
}

double identity_factor(const RuleSpec& rule) { return 2.0 * rule.factor(); }

Drive identity_drive(const RuleSpec& rule, const Network& net, std::span<const double> residual) {
  Drive d;
  d.input_volts.assign(net.inputs.size(), 0.0);
  if (rule.kind == RuleKind::CoupledLearning) {
    d.phase = Phase::Clamped;
    d.clamp_volts.assign(residual.begin(), residual.end());
  } else {
    d.phase = Phase::Nudged;
    d.nudge_amps.assign(residual.begin(), residual.end());
  }
  return d;
}

}  // namespace spiceloop
