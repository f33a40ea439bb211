#include "emulator/dynamics/noise.hpp"

#include <fmt/format.h>

#include <cmath>

#include "emulator/core/atomic_file.hpp"
#include "emulator/core/error.hpp"
#include "emulator/solver/oracle.hpp"

namespace spiceloop {

double noise_energy(const DynamicsSpec& s) { return kBoltzmann * s.noise_kelvin * s.noise_gain; }

double noise_amps_per_root_siemens(const DynamicsSpec& s) {
  return s.noisy() ? std::sqrt(2 * noise_energy(s) / s.noise_seconds) : 0.0;
}

void plan_noise(Machine& m) {
  if (!m.spec.noisy()) return;
  const std::string where = (m.config.source.empty() ? std::string("/") : m.config.source + "#/") + "dynamics/noise_kelvin";
  if (m.spec.integrated_relaxation || m.spec.continuous_learning || m.imperfection.changes_flow() ||
      m.imperfection.device_spread > 0.0 || m.imperfection.task_seconds > 0.0)
    throw InputError("dynamics.unsupported", where,
                     "noise is modelled on the perfect machine with quasistatic nodes and learning windows (noise.hpp): "
                     "leave out \"noise_kelvin\", or \"relaxation\": \"integrated\", \"continuous_learning\" and the "
                     "imperfections (imperfection.hpp)");
  for (const Edge& e : m.net.edges)
    if (e.kind != ElementKind::Resistor)
      throw InputError("dynamics.unsupported", where,
                       fmt::format("Johnson noise is modelled on resistor edges only, and edge '{}' is a {}; leave out "
                                   "\"noise_kelvin\" or use a resistor network",
                                   e.name, element_kind_name(e.kind)));
  m.circuit.noise_amps_per_root_siemens = noise_amps_per_root_siemens(m.spec);
  m.circuit.noise_seconds = m.spec.noise_seconds;
  m.circuit.noise_seed = static_cast<std::uint32_t>(1 + m.spec.noise_seed % 2147483646ULL);
}

double window_square_area(const DynamicsSpec& s) { return s.window_seconds + 2 * s.edge_seconds / 3; }

double q_variance_rate(const Machine& m, const std::vector<double>& p, const Sample& s) {
  Oracle oracle(network_at(m, p));
  const State free = oracle.free_state(s.input_volts);
  std::vector<double> r;
  for (size_t o = 0; o < m.net.outputs.size(); ++o) r.push_back(s.targets[o] - free.node_volts[m.net.outputs[o]]);
  const double eta = m.config.rule.nudge, c = m.config.rule.factor();
  const double a = c * (1 - eta) * m.rate;
  return 32 * noise_energy(m.spec) * a * a * quadratic_form(oracle.output_conductance(), r);
}

std::vector<double> predicted_q_variance(const Machine& m, const Trajectory& t) {
  std::vector<double> var(t.rows.size(), 0.0);
  for (size_t k = 1; k < t.rows.size(); ++k) {
    const Sample& s = m.data.train[t.rows[k].sample];
    var[k] = var[k - 1] + q_variance_rate(m, t.rows[k - 1].parameters, s) * window_square_area(m.spec);
  }
  return var;
}

std::filesystem::path write_noise_prediction(const Machine& m, const Trajectory& t, const std::filesystem::path& dir) {
  const std::vector<double> var = predicted_q_variance(m, t);
  std::string csv = "time_s,period,Q,predicted_var_Q\n";
  for (size_t k = 0; k < t.rows.size(); ++k)
    csv += fmt::format("{:.17g},{},{:.17g},{:.17g}\n", t.rows[k].time, t.rows[k].period, t.rows[k].q, var[k]);
  const auto path = dir / "noise_prediction.csv";
  write_file_atomically(path, csv);
  return path;
}

}  // namespace spiceloop
