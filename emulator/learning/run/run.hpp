// A whole training run, as `spiceloop train` performs it: resolve and check everything, train,
// and write into the output directory
//   metrics.jsonl   header, then step and epoch records (metrics.hpp)
//   checkpoint.json every checkpoint_every steps and at the end (checkpoint.hpp)
//   summary.json    what was run and what it reached (allostery: the targets, per output)
//   network.json    the trained network, loadable by `spiceloop solve` / `spiceloop netlist`
//   loss.png        loss and Q over training (tools/plot_training.py; skipped with a warning)
//   network.png     the trained network and its change over the run (network_plot.hpp; the same)
// Every output names the factor convention (rule.hpp).
// Shared by a team of K ranks (team.hpp), every rank trains, and rank 0 alone writes files and
// shows progress; every rank reads the checkpoint it resumes from. The files are those of one
// process, byte for byte (timings aside).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>

#include <nlohmann/json.hpp>

#include "emulator/learning/run/checkpoint.hpp"
#include "emulator/learning/config.hpp"
#include "emulator/learning/team.hpp"
#include "emulator/learning/trainer.hpp"
#include "emulator/core/progress.hpp"
#include "emulator/network/network.hpp"
#include "emulator/sim/simulator.hpp"

namespace spiceloop {

// What an observer of a run (the front panel's feed, the Python module's per-step callback) is told,
// on the training thread: the header, then after each step and each evaluation the metrics record
// (written to metrics.jsonl or, for steps under metrics "epoch", not), the conductances now, the
// step's applied update (empty otherwise) and the free state of its batch's first sample (empty
// otherwise).
struct RunUpdate {
  const nlohmann::ordered_json& record;
  std::span<const double> siemens;
  std::span<const double> dk;
  std::span<const double> free_volts;
};

struct TrainRunOptions {
  std::filesystem::path out_dir;      // empty: the config's output_dir
  bool resume = false;                // continue from out_dir/checkpoint.json
  bool overwrite = false;             // replace a run already in out_dir; without it (or resume) that is an error
  ProgressMode progress = ProgressMode::Auto;
  Simulator* oracle = nullptr;        // exact backend for the identity residual (IdealSimulator), optional
  std::int64_t max_steps = -1;        // stop after this many steps in this call, as if killed (tests)
  bool plot = true;                   // write loss.png and network.png
  std::filesystem::path plot_script;  // loss.png's; empty: searched (core/plot_script.hpp)
  std::filesystem::path network_plot_script;  // network.png's; empty: searched (network_plot.hpp)
  // Told every record as it is made (RunUpdate); a step's and an evaluation's at the end of their step,
  // once its due checkpoint is written. An exception from it stops the run as a kill would: the last
  // checkpoint stays (the Python module's Ctrl-C and callback errors).
  std::function<void(const RunUpdate&)> observe;
  Team* team = nullptr;  // the ranks sharing each batch (nullptr: this process alone)
};

struct TrainResult {
  bool completed = false;             // false when max_steps stopped it
  std::int64_t steps = 0;             // over the whole run, resumed parts included
  int epochs = 0;
  EvalRecord initial, final;          // accuracy < 0: not a classification task; final only when completed
  std::optional<EvalRecord> last_evaluation;  // when stopped: the latest evaluation of this call, if any
  int last_evaluation_epoch = 0;
  double q_initial = 0.0, q_final = 0.0;
  std::optional<double> identity_max_relative;  // over this run's step records
  double seconds = 0.0;               // wall time in this call
  double steps_per_s = 0.0;           // steps / time inside steps, this call
  Network network;                    // trained
  // Where this call's time went (this rank): wall time in steps and in evaluations, and the
  // trainer's solves and gathers within them.
  double step_seconds = 0.0, evaluation_seconds = 0.0;
  ShareTimes step_times, evaluation_times;
  std::filesystem::path out_dir;
};

// Throws InputError for a bad config, network, data set or checkpoint (before any solve), for an
// output directory that already holds a run (train.existing_run, unless resume or overwrite: no
// file of a run is deleted or truncated without one of them), and SimulationError for a failed
// solve or a non-finite value (the last checkpoint stays intact).
//
// At every checkpoint the simulator's history is reset (Simulator::reset_history), in every run,
// so that what follows depends only on what the checkpoint holds: a resumed run is bit-identical
// to an uninterrupted one on every backend.
TrainResult run_training(const TrainConfig& config, Simulator& sim, const TrainRunOptions& options = {});

}  // namespace spiceloop
