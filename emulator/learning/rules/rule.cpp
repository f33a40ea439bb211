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

void output_residual(const Network& net, std::span<const double> node_volts, std::span<const double> targets,
                     std::span<double> r) {
  assert(targets.size() == net.outputs.size() && r.size() == net.outputs.size());
  for (std::size_t o = 0; o < r.size(); ++o) r[o] = targets[o] - node_volts[net.outputs[o]];
}

std::vector<double> output_residual(const Network& net, const State& s, std::span<const double> targets) {
  std::vector<double> r(net.outputs.size());
  output_residual(net, s.node_volts, targets, r);
  return r;
}

std::vector<Drive> nudged_drives(const RuleSpec& rule, const Network& net, const Drive& free_drive,
                                 const State& free, std::span<const double> targets) {
  std::vector<Drive> out(nudged_drive_count(rule));
  set_nudged_drives(rule, net, free_drive, free.node_volts, targets, out);
  return out;
}

std::size_t nudged_drive_count(const RuleSpec& rule) {
  return rule.kind == RuleKind::CenteredEquilibriumPropagation ? 2 : 1;
}

void set_nudged_drives(const RuleSpec& rule, const Network& net, const Drive& free_drive,
                       std::span<const double> free_volts, std::span<const double> targets, std::span<Drive> out) {
  assert(out.size() == nudged_drive_count(rule));
  switch (rule.kind) {
    case RuleKind::CoupledLearning: cl::set_clamped_drive(rule.nudge, net, free_drive, free_volts, targets, out[0]); break;
    case RuleKind::EquilibriumPropagation: ep::set_nudged_drive(rule.nudge, net, free_drive, free_volts, targets, out[0]); break;
    case RuleKind::CenteredEquilibriumPropagation:
      ep::set_nudged_drive(rule.nudge, net, free_drive, free_volts, targets, out[0]);
      ep::set_nudged_drive(-rule.nudge, net, free_drive, free_volts, targets, out[1]);
      break;
  }
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

void set_identity_drive(const RuleSpec& rule, const Network& net, std::span<const double> residual, Drive& d) {
  d.input_volts.assign(net.inputs.size(), 0.0);
  d.clamp_volts.clear();
  d.nudge_amps.clear();
  d.twin_targets.clear();
  d.twin_eta = 0.0;
  if (rule.kind == RuleKind::CoupledLearning) {
    d.phase = Phase::Clamped;
    d.clamp_volts.assign(residual.begin(), residual.end());
  } else {
    d.phase = Phase::Nudged;
    d.nudge_amps.assign(residual.begin(), residual.end());
  }
}

Drive identity_drive(const RuleSpec& rule, const Network& net, std::span<const double> residual) {
  Drive d;
  set_identity_drive(rule, net, residual, d);
  return d;
}

}  // namespace spiceloop
