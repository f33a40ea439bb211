#include "emulator/dynamics/trajectory.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "emulator/core/atomic_file.hpp"
#include "emulator/core/error.hpp"
#include "emulator/core/log.hpp"
#include "emulator/core/plot_script.hpp"
#include "emulator/dynamics/drift.hpp"
#include "emulator/learning/rules/invariants.hpp"

namespace spiceloop {

namespace {

double q_of(const Machine& m, const std::vector<double>& p) {
  const Network net = network_at(m, p);
  const std::vector<double> ones(net.edges.size(), 1.0);
  const Invariants inv = measure_invariants(net, ones);
  return m.gates ? inv.sum_overdrive2 : inv.sum_k2;
}

}  // namespace

TrajectoryRow start_row(const Machine& m) {
  TrajectoryRow r;
  for (int j : m.learned) r.parameters.push_back(m.gates ? m.net.edges[j].gate_volts : m.net.edges[j].siemens);
  r.loss = std::numeric_limits<double>::quiet_NaN();
  r.q = q_of(m, r.parameters);
  return r;
}

TrajectoryRow trajectory_row(const Machine& m, std::int64_t period, std::vector<double> parameters,
                             const std::vector<double>& free_outputs) {
  TrajectoryRow r;
  r.time = m.period_end(period);
  r.period = period;
  r.sample = m.sample_of(period);
  const Sample& s = m.sample_at(period);
  double l = 0.0;
  for (size_t o = 0; o < free_outputs.size(); ++o) l += (s.targets[o] - free_outputs[o]) * (s.targets[o] - free_outputs[o]);
  r.loss = 0.5 * l;  // tasks' sample_loss, from the outputs alone
  r.q = q_of(m, parameters);
  r.parameters = std::move(parameters);
  return r;
}

std::string trajectory_csv(const Machine& m, const Trajectory& t) {
  std::string csv = "time_s,period,sample,loss,Q";
  for (int j : m.learned) csv += ',' + m.net.edges[j].name;
  csv += '\n';
  for (const TrajectoryRow& r : t.rows) {
    csv += fmt::format("{:.17g},{},{},{:.17g},{:.17g}", r.time, r.period, r.sample, r.loss, r.q);
    for (double p : r.parameters) csv += fmt::format(",{:.17g}", p);
    csv += '\n';
  }
  return csv;
}

std::string trajectory_summary(const Machine& m, const Trajectory& t) {
  nlohmann::json j;
  j["backend"] = t.backend;
  j["complete"] = t.complete;
  if (!t.complete) j["failure"] = t.failure;
  j["periods"] = m.periods;
  j["periods_done"] = t.rows.empty() ? 0 : t.rows.back().period + 1;
  j["parameter"] = m.gates ? "gate_voltage" : "conductance";
  j["q"] = m.gates ? "sum (V_G - V_T)^2 over learned gates" : "sum k^2 over learned resistors";
  j["simulated_seconds"] = t.simulated_seconds();
  j["wall_seconds"] = t.wall_seconds;
  j["simulated_per_wall_second"] = t.wall_seconds > 0 ? t.simulated_seconds() / t.wall_seconds : 0.0;
  j["timepoints"] = t.timepoints;
  j["window_seconds"] = m.spec.window_seconds;
  j["edge_seconds"] = m.spec.edge_seconds;
  j["period_seconds"] = m.spec.period_seconds;
  j["node_farads"] = m.spec.node_farads;
  j["learning_farads"] = m.spec.learning_farads;
  j["rate_per_second"] = m.rate;
  j["reltol"] = m.config.tolerances.reltol;
  j["relaxation"] = m.spec.integrated_relaxation ? "integrated" : "quasistatic";
  j["continuous_learning"] = m.spec.continuous_learning;
  if (!t.rows.empty() && t.rows.size() > 1) j["final_loss"] = t.rows.back().loss;
  if (const auto d = q_drift(m, t))
    j["q_drift"] = {{"measured", d->measured},
                    {"predicted", d->predicted},
                    {"s_integral_joules", d->s_integral},
                    {"relaxation", d->relaxation},
                    {"predicted_as", "-identity_factor eta rate integral v_win r^T H r dt (drift.hpp)"}};
  return j.dump(2) + '\n';
}

std::vector<std::filesystem::path> write_trajectory(const Machine& m, const Trajectory& t,
                                                    const std::filesystem::path& dir, bool no_plot) {
  std::filesystem::create_directories(dir);
  const auto csv = dir / "trajectory.csv", summary = dir / "summary.json";
  write_file_atomically(csv, trajectory_csv(m, t));
  write_file_atomically(summary, trajectory_summary(m, t));
  std::vector<std::filesystem::path> written{csv, summary};
  if (no_plot || t.rows.size() < 2) return written;
  const auto script = find_plot_script("plot_transient.py", "SPICELOOP_PLOT_TRANSIENT_SCRIPT");
  const auto png = dir / "trajectory.png";
  if (script.empty()) {
    log::warn("tools/plot_transient.py not found; no plot in {}", dir.string());
    return written;
  }
  if (run_plot_script(script, {csv.string(), png.string()}, png.string())) written.push_back(png);
  return written;
}

void fail_incomplete(const Machine& m, const Trajectory& t, const std::filesystem::path& dir) {
  throw SimulationError(
      "dynamics.transient_failed", (dir / "trajectory.csv").string(),
      fmt::format("{} stopped after {} of {} periods ({}); the trajectory up to there is in {}. To let it finish: "
                  "longer \"dynamics\" \"edge_seconds\" (sharp edges need tiny steps), a smaller \"max_step_seconds\", "
                  "looser \"tolerances\" (reltol, vntol_volts, abstol_amps), or larger \"node_farads\"",
                  t.backend, t.rows.empty() ? 0 : t.rows.size() - 1, m.periods, t.failure, dir.string()),
      t.simulator_lines);
}

}  // namespace spiceloop
