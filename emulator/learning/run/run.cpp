#include "emulator/learning/run/run.hpp"

#include <chrono>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "emulator/core/error.hpp"
#include "emulator/core/log.hpp"
#include "emulator/core/atomic_file.hpp"
#include "emulator/learning/run/metrics.hpp"
#include "emulator/learning/run/network_plot.hpp"
#include "emulator/learning/run/records.hpp"
#include "emulator/core/plot_script.hpp"
#include "emulator/learning/trainer.hpp"
#include "emulator/network/load.hpp"

namespace spiceloop {

namespace {

using Clock = std::chrono::steady_clock;
using json = nlohmann::ordered_json;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Allostery's targets are drawn from the seed unless given: name them per output, so that a run
// says what it was asked to reach.
json allostery_targets(const Trainer& t) {
  json j = json::object();
  const Network& net = t.network();
  const std::vector<double>& targets = t.dataset().train.front().targets;
  for (std::size_t o = 0; o < net.outputs.size() && o < targets.size(); ++o)
    j[net.node_names[net.outputs[o]]] = targets[o];
  return j;
}

// The largest identity residual over the step records on disk, whole run (resumes included).
std::optional<double> max_identity_relative(const std::filesystem::path& metrics) {
  std::ifstream in(metrics);
  std::optional<double> worst;
  std::string line;
  while (std::getline(in, line)) {
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || j.value("type", "") != "step") continue;
    const auto it = j.find("identity_relative");
    if (it != j.end() && it->is_number()) worst = std::max(worst.value_or(0.0), it->get<double>());
  }
  return worst;
}

// Everything a run writes into its directory.
constexpr const char* kRunFiles[] = {"checkpoint.json", "metrics.jsonl", "summary.json", "network.json", "loss.png",
                                     "network.png"};

// A fresh run never silently replaces another: a killed run's checkpoint is its only way back.
void claim_directory(const std::filesystem::path& dir, bool overwrite) {
  std::vector<std::string> found;
  for (const char* f : kRunFiles)
    if (std::filesystem::exists(dir / f)) found.push_back(f);
  if (found.empty()) return;
  if (!overwrite)
    throw InputError("train.existing_run", dir.string(),
                     fmt::format("the directory holds a run ({}); continue it with --resume, replace it with "
                                 "--overwrite, or choose another --out",
                                 fmt::join(found, ", ")));
  for (const std::string& f : found) std::filesystem::remove(dir / f);
}

}  // namespace

TrainResult run_training(const TrainConfig& config, Simulator& sim, const TrainRunOptions& opt) {
  namespace fs = std::filesystem;
  const auto started = Clock::now();
  TrainResult res;
  res.out_dir = opt.out_dir.empty() ? config.output_dir : opt.out_dir;

  // Everything that can be wrong with the input is found here, before a single step.
  const Network start = resolve_network(config);
  Trainer trainer(config, start, sim, opt.oracle);
  trainer.share_with(opt.team);
  const bool writer = opt.team == nullptr || opt.team->rank() == 0;  // files and progress: rank 0 alone
  const char* convention = convention_name(config.rule.convention);
  const bool rate_weighted = config.update.rate_spread > 0.0;

  std::error_code ec;
  if (writer) fs::create_directories(res.out_dir, ec);
  if (ec) throw InputError("io.write", res.out_dir.string(), "cannot create the output directory: " + ec.message());
  const fs::path checkpoint_file = checkpoint_path_in(res.out_dir);
  const fs::path metrics_file = res.out_dir / "metrics.jsonl";

  std::unique_ptr<MetricsWriter> metrics;  // null on ranks other than 0
  const auto write_record = [&](const json& record) {
    if (metrics) metrics->write(record);
  };
  const auto evaluate = [&] {
    const auto t = Clock::now();
    EvalRecord e = trainer.evaluate();
    res.evaluation_seconds += seconds_since(t);
    return e;
  };
  EvalRecord initial;
  double seconds_before = 0.0;
  if (opt.resume) {
    const Checkpoint c = read_checkpoint(checkpoint_file);
    trainer.restore(c);
    // A run folder's checkpoint covers at least the metrics header (a Python Trainer's covers no file).
    if (c.metrics_offset == 0)
      throw InputError("checkpoint.invalid", checkpoint_where(c, "/metrics_offset"),
                       "metrics.jsonl holds at least its header line");
    if (writer) metrics = std::make_unique<MetricsWriter>(metrics_file, c.metrics_offset, c.metrics_digest);
    initial = c.initial;
    seconds_before = c.elapsed_seconds;
    if (writer) log::info("resuming {} at step {} (epoch {})", res.out_dir.string(), c.step, c.epoch);
  } else {
    if (writer) {
      claim_directory(res.out_dir, opt.overwrite);
      metrics = std::make_unique<MetricsWriter>(metrics_file);
      metrics->write(header_record(trainer, sim, opt.oracle));
    }
    initial = evaluate();
    write_record(epoch_record(0, 0, initial, trainer.invariants(), std::nullopt, convention));
  }
  const auto observe = [&](const json& record, const StepReport* step) {
    if (!opt.observe) return;
    const std::vector<double> k = trainer.network().conductances();
    opt.observe(RunUpdate{record, k, step ? std::span<const double>(step->dk) : std::span<const double>(),
                          step ? std::span<const double>(step->free_volts) : std::span<const double>()});
  };
  if (opt.observe) {
    observe(header_record(trainer, sim, opt.oracle), nullptr);
    if (!opt.resume) observe(epoch_record(0, 0, initial, trainer.invariants(), std::nullopt, convention), nullptr);
  }
  res.initial = initial;

  const auto checkpoint = [&](bool complete) {
    trainer.reset_solver_history();  // in every run, so that a resumed one takes the same path
    if (!writer) return;
    metrics->sync();
    Checkpoint c = trainer.save();
    c.metrics_offset = metrics->offset();
    c.metrics_digest = metrics->digest();
    c.elapsed_seconds = seconds_before + seconds_since(started);
    c.initial = initial;
    c.complete = complete;
    write_checkpoint(checkpoint_file, c);
  };

  Progress progress(writer ? opt.progress : ProgressMode::Off, config.epochs, config.epochs * trainer.steps_per_epoch());
  double step_seconds = 0.0, epoch_seconds = 0.0;
  std::int64_t steps_here = 0, epoch_steps = 0;
  std::vector<double> last_free_volts;  // of the last step's first sample, for network.png
  while (!trainer.done()) {
    if (opt.max_steps >= 0 && steps_here >= opt.max_steps) {
      // Stop as a kill would: no final checkpoint, no outputs.
      res.steps = trainer.steps_done();
      res.epochs = trainer.epochs_done();
      res.seconds = seconds_since(started);
      res.network = trainer.network();
      res.q_initial = measure_invariants(start, trainer.rate_factors()).sum_k2;
      res.q_final = trainer.invariants().sum_k2;
      res.step_seconds = step_seconds;
      res.step_times = trainer.step_times();
      res.evaluation_times = trainer.evaluation_times();
      return res;
    }
    const auto t = Clock::now();
    const StepReport rep = trainer.step();
    const double dt = seconds_since(t);
    step_seconds += dt, epoch_seconds += dt;
    ++steps_here, ++epoch_steps;
    if (opt.plot) last_free_volts.assign(rep.free_volts.begin(), rep.free_volts.end());
    std::optional<json> step_json, epoch_json;
    if (config.metrics_every == MetricsEvery::Step || opt.observe) {
      step_json = step_record(rep, convention, rate_weighted);
      if (config.metrics_every == MetricsEvery::Step) write_record(*step_json);
    }
    progress.step(trainer.epochs_done() + (trainer.epoch_just_ended() ? 0 : 1), trainer.steps_done(),
                  step_seconds > 0 ? steps_here / step_seconds : 0.0);
    if (trainer.epoch_just_ended() &&
        (trainer.epochs_done() % config.evaluate_every == 0 || trainer.done())) {
      const EvalRecord e = evaluate();
      res.last_evaluation = e;
      res.last_evaluation_epoch = trainer.epochs_done();
      const double rate = epoch_seconds > 0 ? epoch_steps / epoch_seconds : 0.0;
      epoch_json = epoch_record(trainer.epochs_done(), trainer.steps_done(), e, trainer.invariants(), rate, convention);
      write_record(*epoch_json);
      progress.epoch(trainer.epochs_done(), e.train_loss, e.test_loss, e.test_accuracy, rate);
      epoch_seconds = 0.0, epoch_steps = 0;
    }
    if (config.checkpoint_every > 0 && trainer.steps_done() % config.checkpoint_every == 0) checkpoint(false);
    if (step_json) observe(*step_json, &rep);  // after the checkpoint: an observer that throws leaves it
    if (epoch_json) observe(*epoch_json, nullptr);
  }
  progress.finish();

  res.completed = true;
  res.final = evaluate();
  res.steps = trainer.steps_done();
  res.epochs = trainer.epochs_done();
  res.network = trainer.network();
  res.seconds = seconds_since(started);
  res.steps_per_s = step_seconds > 0 ? steps_here / step_seconds : 0.0;
  res.step_seconds = step_seconds;
  res.step_times = trainer.step_times();
  res.evaluation_times = trainer.evaluation_times();
  checkpoint(true);

  res.q_initial = measure_invariants(start, trainer.rate_factors()).sum_k2;
  const Invariants end = trainer.invariants();
  res.q_final = end.sum_k2;
  if (!writer) return res;
  res.identity_max_relative = max_identity_relative(metrics_file);
  metrics.reset();

  write_file_atomically(res.out_dir / "network.json", network_to_text(res.network));
  const Invariants begin = measure_invariants(start, trainer.rate_factors());
  json summary = {
      {"format", "spiceloop.train-summary.v1"},
      {"completed", true},
      {"rule", rule_name(config.rule.kind)},
      {"convention", convention},
      {"formula", rule_formula(config.rule)},
      {"identity", identity_formula(config.rule)},
      {"backend", sim.name()},
      {"task", task_name(config.task.kind)},
      {"steps", res.steps},
      {"epochs", res.epochs},
      {"initial", eval_json(res.initial)},
      {"final", eval_json(res.final)},
      {"invariants_initial", {{"Q", begin.sum_k2}, {"sum_R2", begin.sum_r2}, {"sum_ln_k", begin.sum_ln_k}}},
      {"invariants_final", {{"Q", end.sum_k2}, {"sum_R2", end.sum_r2}, {"sum_ln_k", end.sum_ln_k}}},
      {"identity_max_relative", optional_number(res.identity_max_relative)},
      {"seconds", seconds_before + res.seconds},
      {"steps_per_s", res.steps_per_s},
      {"fingerprint", trainer.fingerprint()},
      {"config", json::parse(config.document.dump())}};
  if (config.task.kind == TaskKind::Allostery) summary["targets_volts"] = allostery_targets(trainer);
  write_file_atomically(res.out_dir / "summary.json", summary.dump(2) + "\n");
  if (opt.plot) {
    const auto png = res.out_dir / "loss.png";
    const auto script = opt.plot_script.empty() ? find_plot_script("plot_training.py", "SPICELOOP_PLOT_SCRIPT")
                                                : opt.plot_script;
    if (script.empty())
      log::warn("tools/plot_training.py not found; skipping {}", png.string());
    else
      run_plot_script(script, {metrics_file.string(), png.string()}, png.string());
    const std::string title = fmt::format("{} after {} steps: {} on {}", res.network.name, res.steps,
                                          rule_name(config.rule.kind), sim.name());
    plot_network(network_plot_document(res.network, start.conductances(), last_free_volts, title),
                 res.out_dir / "network.png", opt.network_plot_script);
  }
  return res;
}

}  // namespace spiceloop
