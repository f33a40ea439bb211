#include "emulator/dynamics/imperfect_ode.hpp"

#include <chrono>
#include <cmath>

#include "emulator/dynamics/window_integration.hpp"
#include "emulator/learning/rules/rule.hpp"
#include "emulator/solver/ideal_simulator.hpp"

namespace spiceloop {

Trajectory run_imperfect_on_ideal(const Machine& m) {
  using Vec = std::vector<double>;
  const Imperfection& imp = m.imperfection;
  Trajectory t;
  t.backend = "ideal";
  const auto started = std::chrono::steady_clock::now();
  const Network twin = clamped_copy(imp, m.net);
  IdealSimulator free_sim(m.config.tolerances), clamped_sim(m.config.tolerances);
  free_sim.load(m.net);
  clamped_sim.load(twin);
  Vec free_values = m.net.conductances(), clamped_values = twin.conductances();
  const size_t n = m.learned.size();
  // Per learned parameter: the clamped copy's factor on it (resistors: their conductance; a
  // transistor's mismatch sits in its gain, loaded above) and its bias drift in parameter units per second.
  Vec factor(n, 1.0), drift(n, 0.0);
  for (size_t i = 0; i < n; ++i) {
    const int j = m.learned[i];
    if (!m.gates) factor[i] = imp.twin_factor[j];
    drift[i] = imp.bias[j] / m.spec.learning_farads * m.circuit.siemens_per_volt[j];
  }
  const Overclamp& over = imp.overclamp;
  const double eta = over.on ? over.eta : m.config.rule.nudge, c = m.config.rule.factor();
  t.rows.push_back(start_row(m));
  Vec p = t.rows.back().parameters;

  Drive free_drive, clamped_drive;
  free_drive.phase = Phase::Free;
  clamped_drive.phase = Phase::Clamped;
  clamped_drive.clamp_volts.assign(m.net.outputs.size(), 0.0);
  const Sample* sample = nullptr;
  Vec signal(m.net.edges.size());
  auto solve_free = [&](const Vec& x) {
    for (size_t i = 0; i < n; ++i) free_values[m.learned[i]] = x[i];
    free_sim.set_conductances(free_values);
    return free_sim.solve(free_drive);
  };
  auto rhs = [&](const Vec& x, Vec& dxdt, double time) {
    const State f = solve_free(x);
    double error2 = 0.0;
    for (size_t o = 0; o < m.net.outputs.size(); ++o) {
      const double v = f.node_volts[m.net.outputs[o]], r = sample->targets[o] - v;
      double target = sample->targets[o];
      if (over.on) target = r > 0.0 ? over.high_volts : (r < 0.0 ? over.low_volts : v);
      clamped_drive.clamp_volts[o] = (1.0 - eta) * v + eta * target;
      error2 += r * r;
    }
    for (size_t i = 0; i < n; ++i) clamped_values[m.learned[i]] = x[i] * factor[i];
    clamped_sim.set_conductances(clamped_values);
    const State k = clamped_sim.solve(clamped_drive);
    std::fill(signal.begin(), signal.end(), 0.0);
    cl::accumulate(eta, c, m.net, f, k, 1.0, signal);
    const double scale = over.on ? std::sqrt(error2) / over.error_volts : 1.0;
    const double w = m.window_at(time) * m.rate * scale;
    dxdt.resize(x.size());
    for (size_t i = 0; i < n; ++i) dxdt[i] = w * signal[m.learned[i]] + drift[i];
  };

  auto stepper = make_window_stepper(m, p);
  std::int64_t steps = 0;
  for (std::int64_t period = 0; period < m.periods; ++period) {
    sample = &m.sample_at(period);
    free_drive.input_volts = sample->input_volts;
    clamped_drive.input_volts = sample->input_volts;
    const double open = m.window_open(period);
    // Closed window: only the bias moves the parameters, linearly.
    const double gap = open - static_cast<double>(period) * m.spec.period_seconds;
    for (size_t i = 0; i < n; ++i) p[i] += drift[i] * gap;
    const State before = solve_free(p);
    std::vector<double> free_out;
    for (int o : m.net.outputs) free_out.push_back(before.node_volts[o]);
    steps += integrate_window(m, period, stepper, rhs, p);
    t.rows.push_back(trajectory_row(m, period, p, free_out));
  }
  t.timepoints = steps;
  t.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return t;
}

}  // namespace spiceloop
