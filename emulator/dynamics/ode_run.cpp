#include "emulator/dynamics/ode_run.hpp"

#include <chrono>
#include <cmath>

#include "emulator/dynamics/imperfect_ode.hpp"
#include "emulator/dynamics/ode_noise.hpp"
#include "emulator/dynamics/ode_relax.hpp"
#include "emulator/dynamics/window_integration.hpp"
#include "emulator/learning/rules/rule.hpp"
#include "emulator/solver/ideal_simulator.hpp"

namespace spiceloop {

Trajectory run_on_ideal(const Machine& m) {
  if (m.spec.integrated_relaxation) return run_relaxed(m);
  if (m.imperfection.changes_flow()) return run_imperfect_on_ideal(m);  // imperfect_ode.hpp
  if (m.spec.noisy()) return run_on_ideal_noisy(m);
  using Vec = std::vector<double>;
  Trajectory t;
  t.backend = "ideal";
  const auto started = std::chrono::steady_clock::now();
  IdealSimulator sim(m.config.tolerances);
  sim.load(m.net);
  std::vector<double> values = m.net.conductances();
  const double eta = m.config.rule.nudge, c = m.config.rule.factor();
  t.rows.push_back(start_row(m));
  Vec p = t.rows.back().parameters;

  Drive drive;
  drive.phase = Phase::Twin;
  drive.twin_eta = eta;
  std::vector<double> signal(m.net.edges.size());
  auto twin_at = [&](const Vec& x) {
    for (size_t i = 0; i < m.learned.size(); ++i) values[m.learned[i]] = x[i];
    sim.set_conductances(values);
    return sim.solve_twin(drive);
  };
  auto rhs = [&](const Vec& x, Vec& dxdt, double time) {
    const TwinState s = twin_at(x);
    std::fill(signal.begin(), signal.end(), 0.0);
    cl::accumulate(eta, c, m.net, s.free, s.clamped, 1.0, signal);
    const double w = m.window_at(time) * m.rate;
    dxdt.resize(x.size());
    for (size_t i = 0; i < x.size(); ++i) dxdt[i] = w * signal[m.learned[i]];
  };

  auto stepper = make_window_stepper(m, p);
  std::int64_t steps = 0;
  for (std::int64_t period = 0; period < m.periods; ++period) {
    const Sample& s = m.sample_at(period);
    drive.input_volts = s.input_volts;
    drive.twin_targets = s.targets;
    const TwinState before = twin_at(p);
    std::vector<double> free_out;
    for (int o : m.net.outputs) free_out.push_back(before.free.node_volts[o]);
    steps += integrate_window(m, period, stepper, rhs, p);
    t.rows.push_back(trajectory_row(m, period, p, free_out));
  }
  t.timepoints = steps;
  t.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return t;
}

}  // namespace spiceloop
