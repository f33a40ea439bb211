#include "emulator/dynamics/spice_run.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "emulator/core/error.hpp"
#include "emulator/spice/protocol.hpp"
#include "emulator/spice/worker_client.hpp"

namespace spiceloop {

namespace {

// Linear interpolation of column at t over increasing times.
double at(const std::vector<double>& times, const std::vector<double>& column, double t) {
  const auto it = std::lower_bound(times.begin(), times.end(), t);
  if (it == times.begin()) return column.front();
  if (it == times.end()) return column.back();
  const size_t i = static_cast<size_t>(it - times.begin());
  const double t0 = times[i - 1], t1 = times[i];
  if (t1 == t0) return column[i];
  const double f = (t - t0) / (t1 - t0);
  return column[i - 1] + f * (column[i] - column[i - 1]);
}

}  // namespace

std::string machine_deck(const Machine& m, const std::string& results_file) {
  return build_transient_deck(m.net, m.circuit, results_file);
}

Trajectory run_on_ngspice(const Machine& m) {
  using protocol::Frame;
  using protocol::MessageType;
  check_imperfection_on_ngspice(m.imperfection, m.net, m.config.source);
  Trajectory t;
  t.backend = "ngspice";
  const auto started = std::chrono::steady_clock::now();
  WorkerOptions options;
  options.reply_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(m.spec.timeout_seconds * 1000));
  WorkerClient worker(options);
  worker.start();
  const auto replies = worker.exchange({Frame{MessageType::LoadNetwork, protocol::encode(m.net)},
                                        Frame{MessageType::Transient, protocol::encode(m.circuit)}});
  if (replies.size() != 2 || replies[1].type != MessageType::TransientData)
    throw SimulationError("dynamics.protocol", "ngspice worker", "the worker did not answer the transient request");
  const auto r = protocol::decode<protocol::TransientResult>(replies[1].payload);
  t.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  t.timepoints = static_cast<std::int64_t>(r.times.size());
  t.complete = r.complete;
  t.failure = r.failure;
  t.simulator_lines = r.lines;
  t.rows.push_back(start_row(m));
  if (r.times.empty()) return t;
  const size_t learned = m.learned.size(), outputs = m.net.outputs.size();
  const double reached = r.times.back();
  for (std::int64_t p = 0; p < m.periods; ++p) {
    const double end = m.period_end(p);
    if (end > reached * (1 + 1e-12)) break;
    std::vector<double> params(learned), free_out(outputs);
    for (size_t i = 0; i < learned; ++i) params[i] = m.parameter_of_volts(i, at(r.times, r.columns[i], end));
    const double open = m.window_open(p);
    for (size_t o = 0; o < outputs; ++o) free_out[o] = at(r.times, r.columns[learned + 2 * o], open);
    t.rows.push_back(trajectory_row(m, p, std::move(params), free_out));
  }
  return t;
}

}  // namespace spiceloop
