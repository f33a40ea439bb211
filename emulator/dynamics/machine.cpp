#include "emulator/dynamics/machine.hpp"

#include <fmt/format.h>

#include <cmath>

#include "emulator/core/error.hpp"
#include "emulator/dynamics/noise.hpp"

namespace spiceloop {

namespace {

// A PWL of one value per period, ramping over one edge at each change.
template <class ValueOfSample>
Waveform per_period(const Machine& m, ValueOfSample value) {
  Waveform w;
  w.times.push_back(0.0);
  w.values.push_back(value(m.sample_at(0)));
  for (std::int64_t p = 1; p < m.periods; ++p) {
    const double before = w.values.back(), now = value(m.sample_at(p));
    if (now == before) continue;
    const double t = static_cast<double>(p) * m.spec.period_seconds;
    w.times.insert(w.times.end(), {t, t + m.spec.edge_seconds});
    w.values.insert(w.values.end(), {before, now});
  }
  return w;
}

}  // namespace

int Machine::task_of(std::int64_t period) const {
  if (imperfection.task_seconds <= 0.0) return 0;
  const auto per_task = static_cast<std::int64_t>(std::llround(imperfection.task_seconds / spec.period_seconds));
  return static_cast<int>((period / per_task) % 2);
}

double Machine::window_open(std::int64_t period) const {
  if (spec.continuous_learning) return static_cast<double>(period) * spec.period_seconds;
  return static_cast<double>(period) * spec.period_seconds + spec.period_seconds - spec.window_seconds -
         2 * spec.edge_seconds;
}

double Machine::window_at(double t) const {
  const double P = spec.period_seconds, e = spec.edge_seconds;
  if (spec.continuous_learning) return std::min(1.0, t / e);
  const double x = t - std::floor(t / P) * P - (P - spec.window_seconds - 2 * e);
  if (x <= 0.0) return 0.0;
  if (x < e) return x / e;
  if (x <= e + spec.window_seconds) return 1.0;
  return std::max(0.0, (2 * e + spec.window_seconds - x) / e);
}

std::vector<double> Machine::window_corners(std::int64_t period) const {
  const double open = window_open(period), e = spec.edge_seconds;
  if (spec.continuous_learning) return {open, open + e, period_end(period)};
  return {open, open + e, open + e + spec.window_seconds, open + 2 * e + spec.window_seconds};
}

double Machine::parameter_of_volts(std::size_t i, double volts) const {
  return circuit.siemens_per_volt[learned[i]] * volts;
}

Machine plan_machine(const TrainConfig& config) {
  Machine m;
  m.config = config;
  m.spec = parse_dynamics(config);
  m.net = resolve_network(config);
  validate_against_network(config, m.net);
  check_dynamics_fits(config, m.net);
  m.imperfection = parse_imperfection(config, m.spec.period_seconds);
  check_imperfection_fits(m.imperfection, m.spec, config.source);
  draw_imperfection(m.imperfection, config, m.net);
  m.data = make_dataset(config.task, m.net, config.seed);
  if (m.imperfection.task_seconds > 0.0) m.second = second_dataset(m.imperfection, config, m.net);
  const std::int64_t n = static_cast<std::int64_t>(m.data.train.size());
  m.periods = static_cast<std::int64_t>(m.spec.epochs) * n;
  const std::string where = config.source.empty() ? "/dynamics/epochs" : config.source + "#/dynamics/epochs";
  if (m.periods > kMaxDynamicsPeriods)
    throw InputError("dynamics.too_large", where,
                     fmt::format("{} epochs of {} samples is {} periods, more than {}; ask fewer \"epochs\" in "
                                 "\"dynamics\"",
                                 m.spec.epochs, n, m.periods, kMaxDynamicsPeriods));
  const int edges = m.net.edge_count();
  for (int j = 0; j < edges; ++j)
    if (m.net.edges[j].trainable) m.learned.push_back(j);
  m.gates = config.update.parameter == Parameter::GateVoltage;
  m.rate = config.alpha / (m.spec.window_area_seconds() * config.batch_size);

  TransientCircuit& c = m.circuit;
  c.eta = config.rule.nudge;
  for (size_t i = 0; i < m.net.inputs.size(); ++i)
    c.inputs.push_back(per_period(m, [i](const Sample& s) { return s.input_volts[i]; }));
  for (size_t o = 0; o < m.net.outputs.size(); ++o)
    c.targets.push_back(per_period(m, [o](const Sample& s) { return s.targets[o]; }));
  c.window_delay_seconds = m.spec.period_seconds - m.spec.window_seconds - 2 * m.spec.edge_seconds;
  c.window_edge_seconds = m.spec.edge_seconds;
  c.window_top_seconds = m.spec.window_seconds;
  c.window_period_seconds = m.spec.period_seconds;
  c.learn_rate.assign(edges, 0.0);
  c.siemens_per_volt.assign(edges, 1.0);
  c.initial_volts.assign(edges, 0.0);
  const double signal_factor = config.rule.factor() / config.rule.nudge;  // g = (c / eta)[...]
  for (int j : m.learned) {
    const Edge& e = m.net.edges[j];
    // A resistor's control node holds k / k_0: about 1 V, where ngspice's tolerances are meant to work.
    if (!m.gates) c.siemens_per_volt[j] = e.siemens;
    c.initial_volts[j] = m.gates ? e.gate_volts : 1.0;
    c.learn_rate[j] = m.rate * signal_factor / c.siemens_per_volt[j];
  }
  c.node_farads = m.spec.node_farads;
  c.learning_farads = m.spec.learning_farads;
  c.stop_seconds = static_cast<double>(m.periods) * m.spec.period_seconds;
  if (m.spec.continuous_learning) {  // one rise at t = 0, then open past the end of the run
    c.window_delay_seconds = 0.0;
    c.window_top_seconds = c.stop_seconds;
    c.window_period_seconds = c.stop_seconds + 2 * m.spec.edge_seconds;
  }
  c.max_step_seconds = m.spec.max_step_seconds;
  c.tolerances = config.tolerances;
  set_imperfect_circuit(m.imperfection, m.net, c);
  plan_noise(m);
  return m;
}

Network network_at(const Machine& m, const std::vector<double>& p) {
  Network net = m.net;
  for (size_t i = 0; i < m.learned.size(); ++i) {
    Edge& e = net.edges[m.learned[i]];
    (m.gates ? e.gate_volts : e.siemens) = p[i];
  }
  return net;
}

}  // namespace spiceloop
