#include "emulator/dynamics/drift.hpp"

#include "emulator/learning/rules/rule.hpp"
#include "emulator/solver/ideal_simulator.hpp"

namespace spiceloop {

bool drift_prediction_applies(const Machine& m) {
  return !m.gates && m.net.is_linear() && m.config.rule.kind == RuleKind::CoupledLearning &&
         m.learned.size() == m.net.edges.size();
}

std::optional<QDrift> q_drift(const Machine& m, const Trajectory& t) {
  if (!drift_prediction_applies(m) || t.rows.size() < 2) return std::nullopt;
  IdealSimulator sim(m.config.tolerances);
  sim.load(m.net);
  std::vector<double> residual(m.net.outputs.size());
  Drive free;
  // S = r^T H r at the parameters p for the sample s: the power of the identity phase (rule.hpp).
  auto s_at = [&](const std::vector<double>& p, const Sample& s) {
    std::vector<double> values = m.net.conductances();
    for (size_t i = 0; i < m.learned.size(); ++i) values[m.learned[i]] = p[i];
    sim.set_conductances(values);
    free.input_volts = s.input_volts;
    const State f = sim.solve(free);
    output_residual(m.net, f.node_volts, s.targets, residual);
    return sim.solve(identity_drive(m.config.rule, m.net, residual)).power_watts;
  };
  QDrift d;
  for (size_t r = 1; r < t.rows.size(); ++r) {
    const Sample& s = m.data.train[t.rows[r].sample];
    d.s_integral += m.spec.window_area_seconds() * 0.5 * (s_at(t.rows[r - 1].parameters, s) + s_at(t.rows[r].parameters, s));
  }
  d.measured = t.rows.back().q - t.rows.front().q;
  d.predicted = -identity_factor(m.config.rule) * m.config.rule.nudge * m.rate * d.s_integral;
  return d;
}

}  // namespace spiceloop
