// What a run of the learning machine in time gives, on either backend: one row at t = 0 and one per
// period, at the period's end (its window closed): the learned parameters (siemens or gate volts),
// Q (sum k^2 over learned resistors, or sum (V_G - V_T)^2 over learned gates: invariants.hpp), and the
// loss of the period's sample at its free state when its window opened (the trainer's loss before a
// step). A run that stopped early keeps the rows it reached (complete = false, failure says why).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "emulator/dynamics/machine.hpp"

namespace spiceloop {

struct TrajectoryRow {
  double time = 0.0;
  std::int64_t period = -1;  // -1: the start
  int sample = -1;
  double loss = 0.0;         // NaN at the start
  double q = 0.0;
  std::vector<double> parameters;  // per Machine::learned
};

struct Trajectory {
  std::string backend;  // "ngspice" or "ideal"
  std::vector<TrajectoryRow> rows;
  bool complete = true;
  std::string failure;
  std::vector<std::string> simulator_lines;
  double wall_seconds = 0.0;
  std::int64_t timepoints = 0;  // accepted ngspice timepoints, or ODE steps
  double simulated_seconds() const { return rows.empty() ? 0.0 : rows.back().time; }
};

// The row of a period from its parameters and its sample's free outputs at the window's opening.
TrajectoryRow trajectory_row(const Machine& m, std::int64_t period, std::vector<double> parameters,
                             const std::vector<double>& free_outputs);
TrajectoryRow start_row(const Machine& m);

// trajectory.csv: time_s, period, sample, loss, Q, then one column per learned edge (its name).
std::string trajectory_csv(const Machine& m, const Trajectory& t);
// summary.json: backend, completion, periods, simulated and wall seconds, their ratio, the parameter,
// and where drift.hpp applies, Q's drift over the run against the finite nudge's prediction (q_drift).
std::string trajectory_summary(const Machine& m, const Trajectory& t);

// Writes both into dir (atomically), then plots trajectory.png (tools/plot_transient.py) unless
// no_plot. Returns the files written.
std::vector<std::filesystem::path> write_trajectory(const Machine& m, const Trajectory& t,
                                                    const std::filesystem::path& dir, bool no_plot);

// For a run that stopped early (after write_trajectory kept its rows): SimulationError
// dynamics.transient_failed at dir's trajectory.csv, naming how far it got, why, and what to change.
[[noreturn]] void fail_incomplete(const Machine& m, const Trajectory& t, const std::filesystem::path& dir);

}  // namespace spiceloop
