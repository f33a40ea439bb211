#include "emulator/dynamics/drift.hpp"

#include "emulator/learning/rules/rule.hpp"
#include "emulator/solver/ideal_simulator.hpp"

namespace spiceloop {

bool drift_prediction_applies(const Machine& m) {
  return !m.gates && m.net.is_linear() && m.config.rule.kind == RuleKind::CoupledLearning &&
         m.learned.size() == m.net.edges.size();
}

namespace {

// S = r^T H r of one sample along the flow, and its slope in u (dk/du = rate g), on the ideal solver.
class IdentityPower {
 public:
  explicit IdentityPower(const Machine& m) : m_(m), sim_(m.config.tolerances) {
    sim_.load(m.net);
    values_ = m.net.conductances();
    residual_.resize(m.net.outputs.size());
    signal_.resize(m.net.edges.size());
    twin_.phase = Phase::Twin;
    twin_.twin_eta = m.config.rule.nudge;
  }

  double at(const std::vector<double>& p, const Sample& s) {
    set(p);
    free_.input_volts = s.input_volts;
    const State f = sim_.solve(free_);
    output_residual(m_.net, f.node_volts, s.targets, residual_);
    return sim_.solve(identity_drive(m_.config.rule, m_.net, residual_)).power_watts;
  }

  // dS/du by a central difference along rate g, over +-1e-3 of a window's change of k.
  double slope(const std::vector<double>& p, const Sample& s) {
    set(p);
    twin_.input_volts = s.input_volts;
    twin_.twin_targets = s.targets;
    const TwinState t = sim_.solve_twin(twin_);
    std::fill(signal_.begin(), signal_.end(), 0.0);
    cl::accumulate(m_.config.rule.nudge, m_.config.rule.factor(), m_.net, t.free, t.clamped, 1.0, signal_);
    const double du = 1e-3 * m_.spec.window_area_seconds();
    std::vector<double> plus = p, minus = p;
    for (size_t i = 0; i < p.size(); ++i) {
      plus[i] += du * m_.rate * signal_[m_.learned[i]];
      minus[i] -= du * m_.rate * signal_[m_.learned[i]];
    }
    return (at(plus, s) - at(minus, s)) / (2 * du);
  }

 private:
  void set(const std::vector<double>& p) {
    for (size_t i = 0; i < m_.learned.size(); ++i) values_[m_.learned[i]] = p[i];
    sim_.set_conductances(values_);
  }

  const Machine& m_;
  IdealSimulator sim_;
  std::vector<double> values_, residual_, signal_;
  Drive free_, twin_;
};

}  // namespace

std::optional<QDrift> q_drift(const Machine& m, const Trajectory& t) {
  if (!drift_prediction_applies(m) || t.rows.size() < 2) return std::nullopt;
  IdentityPower s(m);
  const double a = m.spec.window_area_seconds();
  QDrift d;
  for (size_t r = 1; r < t.rows.size(); ++r) {
    const Sample& x = m.data.train[t.rows[r].sample];
    const std::vector<double>&before = t.rows[r - 1].parameters, &after = t.rows[r].parameters;
    // The trapezoid rule in u with its Euler-Maclaurin end correction -a^2/12 [S'(a) - S'(0)].
    d.s_integral += a * 0.5 * (s.at(before, x) + s.at(after, x)) - a * a / 12 * (s.slope(after, x) - s.slope(before, x));
  }
  d.measured = t.rows.back().q - t.rows.front().q;
  d.predicted = -identity_factor(m.config.rule) * m.config.rule.nudge * m.rate * d.s_integral;
  return d;
}

}  // namespace spiceloop
