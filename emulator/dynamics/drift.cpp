#include "emulator/dynamics/drift.hpp"

#include <cmath>

#include "emulator/learning/rules/rule.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/solver/nodal_system.hpp"

namespace spiceloop {

bool drift_prediction_applies(const Machine& m) {
  return !m.gates && m.net.is_linear() && m.config.rule.kind == RuleKind::CoupledLearning &&
         m.learned.size() == m.net.edges.size() && !m.spec.continuous_learning;
}

namespace {

// The terms of the drift at one row's parameters and sample, on the ideal solver: S = r^T H r, its
// slope in u (dk/du = rate g), and the nodes' lag term Lambda.
class DriftTerms {
 public:
  explicit DriftTerms(const Machine& m) : m_(m), sim_(m.config.tolerances) {
    sim_.load(m.net);
    values_ = m.net.conductances();
    residual_.resize(m.net.outputs.size());
    signal_.resize(m.net.edges.size());
    twin_.phase = Phase::Twin;
    twin_.twin_eta = m.config.rule.nudge;
    free_nodes_.set_edge_siemens(values_);
    clamped_nodes_.set_edge_siemens(values_);
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
    twin_signal(p, s);
    const double du = 1e-3 * m_.spec.window_area_seconds();
    std::vector<double> plus = p, minus = p;
    for (size_t i = 0; i < p.size(); ++i) {
      plus[i] += du * m_.rate * signal_[m_.learned[i]];
      minus[i] -= du * m_.rate * signal_[m_.learned[i]];
    }
    return (at(plus, s) - at(minus, s)) / (2 * du);
  }

  // Lambda (drift.hpp): k . (g at the trailing nodes - g at the quasistatic ones) at rate v_win = 1,
  // to first order in node_farads C: while k moves at rate v_win g, each copy's free nodes trail their quasistatic
  // voltages V* by d = -L^-1 C dV*/dt (L the copy's reduced Laplacian; the clamped copy's outputs
  // trail by (1 - eta) of the free copy's), and dV*/dt = -L^-1 (dL V*) with dL the Laplacian of
  // dk = g. Both are node solves with injected currents (nodal_system.hpp).
  double lag(const std::vector<double>& p, const Sample& s) {
    const TwinState& t = twin_signal(p, s);
    const double eta = m_.config.rule.nudge, farads = m_.spec.node_farads;
    const std::vector<double> dvf = moved(free_nodes_, t.free.node_volts, {});
    const std::vector<double> dvc = moved(clamped_nodes_, t.clamped.node_volts, dvf);
    const std::vector<double> lag_f = trail(free_nodes_, dvf, farads, {});
    const std::vector<double> lag_c = trail(clamped_nodes_, dvc, farads, lag_f);
    double sum = 0.0;
    for (int j : m_.learned) {
      const Edge& e = m_.net.edges[j];
      const double vf = t.free.node_volts[e.a] - t.free.node_volts[e.b];
      const double vc = t.clamped.node_volts[e.a] - t.clamped.node_volts[e.b];
      const double df = lag_f[e.a] - lag_f[e.b], dc = lag_c[e.a] - lag_c[e.b];
      sum += values_[j] * (m_.config.rule.factor() / eta) * 2 * (vf * df - vc * dc);
    }
    return sum;
  }

 private:
  void set(const std::vector<double>& p) {
    for (size_t i = 0; i < m_.learned.size(); ++i) values_[m_.learned[i]] = p[i];
    sim_.set_conductances(values_);
    free_nodes_.set_edge_siemens(values_);
    clamped_nodes_.set_edge_siemens(values_);
  }

  const TwinState& twin_signal(const std::vector<double>& p, const Sample& s) {
    set(p);
    twin_.input_volts = s.input_volts;
    twin_.twin_targets = s.targets;
    twin_state_ = sim_.solve_twin(twin_);
    std::fill(signal_.begin(), signal_.end(), 0.0);
    cl::accumulate(m_.config.rule.nudge, m_.config.rule.factor(), m_.net, twin_state_.free, twin_state_.clamped, 1.0,
                   signal_);
    return twin_state_;
  }

  // Held nodes at 0 (ground, inputs) or at (1 - eta) of free_outputs' values (a clamped copy's
  // outputs, when given), every other node solved with inject.
  std::vector<double> solve_with(NodalSystem& sys, const std::vector<double>& inject,
                                 const std::vector<double>& free_outputs) {
    std::vector<double> v(m_.net.node_names.size(), 0.0);
    if (!free_outputs.empty())
      for (int o : m_.net.outputs) v[o] = (1.0 - m_.config.rule.nudge) * free_outputs[o];
    sys.solve(v, inject);
    return v;
  }

  // dV*/dt of one copy while k moves at g (per unit rate v_win).
  std::vector<double> moved(NodalSystem& sys, const std::vector<double>& volts,
                            const std::vector<double>& free_outputs) {
    std::vector<double> inject(m_.net.node_names.size(), 0.0);
    for (int j : m_.learned) {
      const Edge& e = m_.net.edges[j];
      const double amps = signal_[j] * (volts[e.a] - volts[e.b]);  // the change of edge j's current a -> b
      inject[e.a] -= amps;
      inject[e.b] += amps;
    }
    return solve_with(sys, inject, free_outputs);
  }

  // The lag -L^-1 C dV*/dt of one copy.
  std::vector<double> trail(NodalSystem& sys, const std::vector<double>& rate, double farads,
                            const std::vector<double>& free_outputs) {
    std::vector<double> inject(rate.size());
    for (size_t v = 0; v < rate.size(); ++v) inject[v] = -farads * rate[v];
    return solve_with(sys, inject, free_outputs);
  }

  const Machine& m_;
  IdealSimulator sim_;
  std::vector<double> values_, residual_, signal_;
  Drive free_, twin_;
  TwinState twin_state_;
  NodalSystem free_nodes_{m_.net, held_nodes(m_.net, false)}, clamped_nodes_{m_.net, held_nodes(m_.net, true)};
};

}  // namespace

std::optional<QDrift> q_drift(const Machine& m, const Trajectory& t) {
  if (!drift_prediction_applies(m) || t.rows.size() < 2) return std::nullopt;
  // An ngspice run is not stopped by a conductance through 0 (the ODE is): no network to solve there.
  for (const TrajectoryRow& r : t.rows)
    for (double k : r.parameters)
      if (!(k > 0.0 && std::isfinite(k))) return std::nullopt;
  DriftTerms s(m);
  const double a = m.spec.window_area_seconds();
  QDrift d;
  double lag = 0.0;
  for (size_t r = 1; r < t.rows.size(); ++r) {
    const Sample& x = m.data.train[t.rows[r].sample];
    const std::vector<double>& before = t.rows[r - 1].parameters;
    const std::vector<double>& after = t.rows[r].parameters;
    // The trapezoid rule in u with its Euler-Maclaurin end correction -a^2/12 [S'(a) - S'(0)].
    d.s_integral += a * 0.5 * (s.at(before, x) + s.at(after, x)) -
                    a * a / 12 * (s.slope(after, x) - s.slope(before, x));
    lag += 0.5 * (s.lag(before, x) + s.lag(after, x));
  }
  // dQ/dt gains 2 (rate v_win)^2 Lambda: over a window, 2 rate^2 (integral of v_win^2 dt) Lambda,
  // with v_win^2 integrating to the window plus 2/3 of an edge.
  d.relaxation = 2 * m.rate * m.rate * (m.spec.window_seconds + 2 * m.spec.edge_seconds / 3) * lag;
  d.measured = t.rows.back().q - t.rows.front().q;
  d.predicted = -identity_factor(m.config.rule) * m.config.rule.nudge * m.rate * d.s_integral;
  return d;
}

}  // namespace spiceloop
