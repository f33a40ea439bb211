#include "emulator/learning/run/run.hpp"

#include <chrono>
#include <fstream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "emulator/core/error.hpp"
#include "emulator/core/log.hpp"
#include "emulator/core/atomic_file.hpp"
#include "emulator/learning/run/metrics.hpp"
#include "emulator/core/plot_script.hpp"
#include "emulator/learning/trainer.hpp"
#include "emulator/network/load.hpp"

namespace spiceloop {

namespace {

using Clock = std::chrono::steady_clock;
using json = nlohmann::ordered_json;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

json optional_number(const std::optional<double>& x) { return x ? json(*x) : json(nullptr); }
json accuracy(double a) { return a >= 0 ? json(a) : json(nullptr); }

// The update formula in words, written beside every result so that numbers from the two factor
// conventions are never compared by mistake.
std::string rule_formula(const RuleSpec& r) {
  const bool half = r.convention == FactorConvention::Half;
  switch (r.kind) {
    case RuleKind::CoupledLearning:
      return half ? "dk = -(alpha / (2 eta)) [(dV_C)^2 - (dV_F)^2]" : "dk = -(alpha / eta) [(dV_C)^2 - (dV_F)^2]";
    case RuleKind::EquilibriumPropagation:
      return half ? "dk = -(alpha / (2 beta)) [(dV_beta)^2 - (dV_F)^2]" : "dk = -(alpha / beta) [(dV_beta)^2 - (dV_F)^2]";
    case RuleKind::CenteredEquilibriumPropagation:
      return half ? "dk = -(alpha / (4 beta)) [(dV_+beta)^2 - (dV_-beta)^2]"
                  : "dk = -(alpha / (2 beta)) [(dV_+beta)^2 - (dV_-beta)^2]";
  }
  return "";
}

std::string identity_formula(const RuleSpec& r) {
  const std::string f = r.convention == FactorConvention::Half ? "" : "2 ";
  switch (r.kind) {
    case RuleKind::CoupledLearning: return "2 k.dk_rule + " + f + "alpha eta r^T H r = 0";
    case RuleKind::EquilibriumPropagation: return "2 k.dk_rule + " + f + "alpha beta r^T H^-1 r = 0";
    case RuleKind::CenteredEquilibriumPropagation: return "2 k.dk_rule = 0";
  }
  return "";
}

json header_record(const Trainer& t, const Simulator& sim, const Simulator* oracle) {
  const TrainConfig& c = t.config();
  int trainable = 0;
  for (const Edge& e : t.network().edges) trainable += e.trainable && e.has_value();
  return {{"type", "header"},
          {"format", "spiceloop.metrics.v1"},
          {"rule", rule_name(c.rule.kind)},
          {"convention", convention_name(c.rule.convention)},
          {"formula", rule_formula(c.rule)},
          {"identity", identity_formula(c.rule)},
          {"nudge", c.rule.nudge},
          {"twin", c.rule.twin},
          {"alpha", c.alpha},
          {"update", update_mode_name(c.update.mode)},
          {"rounding", rounding_name(c.update.rounding)},
          {"parameter", parameter_name(c.update.parameter)},
          {"rate_spread", c.update.rate_spread},
          {"desync_fraction", c.update.desync_fraction},
          {"task", task_name(c.task.kind)},
          {"train_samples", t.dataset().train.size()},
          {"test_samples", t.dataset().test.size()},
          {"batch_size", c.batch_size},
          {"epochs", c.epochs},
          {"seed", c.seed},
          {"backend", sim.name()},
          {"oracle", oracle ? json(oracle->name()) : json(nullptr)},
          {"edges", t.network().edge_count()},
          {"trainable_edges", trainable},
          {"fingerprint", t.fingerprint()}};
}

json step_record(const StepReport& r, const char* convention, bool rate_weighted) {
  json j = {{"type", "step"},
            {"step", r.step},
            {"epoch", r.epoch},
            {"loss", r.loss},
            {"Q", r.after.sum_k2},
            {"dQ", r.after.sum_k2 - r.before.sum_k2},
            {"sum_R2", r.after.sum_r2},
            {"sum_ln_k", r.after.sum_ln_k},
            {"k_dot_dk", r.k_dot_dk},
            {"k_dot_dk_rule", r.k_dot_dk_rule},
            {"identity_S", optional_number(r.identity_s)},
            {"identity_residual", optional_number(r.identity_residual)},
            {"identity_relative", optional_number(r.identity_relative)},
            {"convention", convention}};
  if (rate_weighted) j["sum_k2_over_rate"] = r.after.sum_k2_over_rate;
  if (r.sum_effective_siemens2) {  // transistor networks: the conserved-quantity candidates
    j["sum_overdrive2"] = r.after.sum_overdrive2;
    j["d_sum_overdrive2"] = r.after.sum_overdrive2 - r.before.sum_overdrive2;
    j["sum_geff2"] = *r.sum_effective_siemens2;
    j["cos_grad"] = optional_number(r.cos_gradient);
  }
  return j;
}

json epoch_record(int epoch, std::int64_t step, const EvalRecord& e, const Invariants& v, std::optional<double> rate,
                  const char* convention) {
  json j = {{"type", "epoch"},
          {"epoch", epoch},
          {"step", step},
          {"train_loss", e.train_loss},
          {"test_loss", e.test_loss},
          {"train_accuracy", accuracy(e.train_accuracy)},
          {"test_accuracy", accuracy(e.test_accuracy)},
          {"Q", v.sum_k2},
          {"sum_R2", v.sum_r2},
          {"sum_ln_k", v.sum_ln_k},
          {"steps_per_s", optional_number(rate)},
          {"convention", convention}};
  if (v.sum_overdrive2 > 0.0) j["sum_overdrive2"] = v.sum_overdrive2;
  if (e.error_modes.size() == 3)
    j["error_modes"] = {{"mean", e.error_modes[0]}, {"slope", e.error_modes[1]}, {"curvature", e.error_modes[2]}};
  return j;
}

json eval_json(const EvalRecord& e) {
  return {{"train_loss", e.train_loss},
          {"test_loss", e.test_loss},
          {"train_accuracy", accuracy(e.train_accuracy)},
          {"test_accuracy", accuracy(e.test_accuracy)}};
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

}  // namespace

TrainResult run_training(const TrainConfig& config, Simulator& sim, const TrainRunOptions& opt) {
  namespace fs = std::filesystem;
  const auto started = Clock::now();
  TrainResult res;
  res.out_dir = opt.out_dir.empty() ? config.output_dir : opt.out_dir;

  // Everything that can be wrong with the input is found here, before a single step.
  const Network start = resolve_network(config);
  Trainer trainer(config, start, sim, opt.oracle);
  const char* convention = convention_name(config.rule.convention);
  const bool rate_weighted = config.update.rate_spread > 0.0;

  std::error_code ec;
  fs::create_directories(res.out_dir, ec);
  if (ec) throw InputError("io.write", res.out_dir.string(), "cannot create the output directory: " + ec.message());
  const fs::path checkpoint_file = checkpoint_path_in(res.out_dir);
  const fs::path metrics_file = res.out_dir / "metrics.jsonl";

  std::unique_ptr<MetricsWriter> metrics;
  EvalRecord initial;
  double seconds_before = 0.0;
  if (opt.resume) {
    const Checkpoint c = read_checkpoint(checkpoint_file);
    trainer.restore(c);
    metrics = std::make_unique<MetricsWriter>(metrics_file, false, c.metrics_offset);
    initial = c.initial;
    seconds_before = c.elapsed_seconds;
    log::info("resuming {} at step {} (epoch {})", res.out_dir.string(), c.step, c.epoch);
  } else {
    // A stale checkpoint belongs to another run's metrics; it must not be resumed into this one.
    fs::remove(checkpoint_file, ec);
    metrics = std::make_unique<MetricsWriter>(metrics_file, true);
    metrics->write(header_record(trainer, sim, opt.oracle));
    initial = trainer.evaluate();
    metrics->write(epoch_record(0, 0, initial, trainer.invariants(), std::nullopt, convention));
  }
  res.initial = initial;

  const auto checkpoint = [&](bool complete) {
    metrics->sync();
    Checkpoint c = trainer.save();
    c.metrics_offset = metrics->offset();
    c.elapsed_seconds = seconds_before + seconds_since(started);
    c.initial = initial;
    c.complete = complete;
    write_checkpoint(checkpoint_file, c);
  };

  Progress progress(opt.progress, config.epochs, config.epochs * trainer.steps_per_epoch());
  double step_seconds = 0.0, epoch_seconds = 0.0;
  std::int64_t steps_here = 0, epoch_steps = 0;
  while (!trainer.done()) {
    if (opt.max_steps >= 0 && steps_here >= opt.max_steps) {
      // Stop as a kill would: no final checkpoint, no outputs.
      res.steps = trainer.steps_done();
      res.epochs = trainer.epochs_done();
      res.seconds = seconds_since(started);
      res.network = trainer.network();
      return res;
    }
    const auto t = Clock::now();
    const StepReport rep = trainer.step();
    const double dt = seconds_since(t);
    step_seconds += dt, epoch_seconds += dt;
    ++steps_here, ++epoch_steps;
    if (config.metrics_every == MetricsEvery::Step) metrics->write(step_record(rep, convention, rate_weighted));
    progress.step(trainer.epochs_done() + (trainer.epoch_just_ended() ? 0 : 1), trainer.steps_done(),
                  step_seconds > 0 ? steps_here / step_seconds : 0.0);
    if (trainer.epoch_just_ended() &&
        (trainer.epochs_done() % config.evaluate_every == 0 || trainer.done())) {
      const EvalRecord e = trainer.evaluate();
      const double rate = epoch_seconds > 0 ? epoch_steps / epoch_seconds : 0.0;
      metrics->write(epoch_record(trainer.epochs_done(), trainer.steps_done(), e, trainer.invariants(), rate, convention));
      progress.epoch(trainer.epochs_done(), e.train_loss, e.test_loss, e.test_accuracy, rate);
      epoch_seconds = 0.0, epoch_steps = 0;
    }
    if (config.checkpoint_every > 0 && trainer.steps_done() % config.checkpoint_every == 0) checkpoint(false);
  }
  progress.finish();

  res.completed = true;
  res.final = trainer.evaluate();
  res.steps = trainer.steps_done();
  res.epochs = trainer.epochs_done();
  res.network = trainer.network();
  res.seconds = seconds_since(started);
  res.steps_per_s = step_seconds > 0 ? steps_here / step_seconds : 0.0;
  checkpoint(true);

  res.q_initial = measure_invariants(start, trainer.rate_factors()).sum_k2;
  const Invariants end = trainer.invariants();
  res.q_final = end.sum_k2;
  res.identity_max_relative = max_identity_relative(metrics_file);
  metrics.reset();

  write_file_atomically(res.out_dir / "network.json", network_to_text(res.network));
  const Invariants begin = measure_invariants(start, trainer.rate_factors());
  const json summary = {
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
  write_file_atomically(res.out_dir / "summary.json", summary.dump(2) + "\n");
  if (opt.plot) {
    const auto png = res.out_dir / "loss.png";
    const auto script = opt.plot_script.empty() ? find_plot_script("plot_training.py", "SPICELOOP_PLOT_SCRIPT")
                                                : opt.plot_script;
    if (script.empty())
      log::warn("tools/plot_training.py not found; skipping {}", png.string());
    else
      run_plot_script(script, {metrics_file.string(), png.string()}, png.string());
  }
  return res;
}

}  // namespace spiceloop
