// spiceloop train [EXPERIMENT.json]: a training run on either backend. With no experiment it runs
// the bundled default (netlists/experiments/default.json) on embedded ngspice: the README's main job.
#include <fmt/format.h>

#include <filesystem>

#include "emulator/core/error.hpp"
#include "emulator/learning/run/run.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "tools/spiceloop/bundled.hpp"
#include "tools/spiceloop/commands.hpp"

namespace spiceloop::cli {

namespace {

struct TrainArgs {
  std::string experiment;
  std::string backend = "ngspice";
  std::string instruments;  // --backend hil: the addresses file
  std::string out;
  bool resume = false;
  bool no_oracle = false;
  std::string progress = "auto";
  std::int64_t max_steps = -1;
};

ProgressMode progress_mode(const std::string& s) {
  if (s == "bar") return ProgressMode::Bar;
  if (s == "lines") return ProgressMode::Lines;
  if (s == "off") return ProgressMode::Off;
  return ProgressMode::Auto;
}

void run(const TrainArgs& a) {
  const std::filesystem::path file = a.experiment.empty() ? bundled_file("netlists/experiments/default.json") : std::filesystem::path(a.experiment);
  const TrainConfig config = load_train_config_file(file);
  if (!a.instruments.empty() && a.backend != "hil")
    throw InputError("cli.instruments", "--instruments",
                     "--instruments names the instruments for --backend hil; add --backend hil");
  // hil: the bench's stand-ins or real instruments, whose tolerances are their own.
  const std::unique_ptr<Simulator> sim = make_simulator({a.backend, config.tolerances, a.instruments});
  IdealSimulator oracle(config.tolerances);

  TrainRunOptions opt;
  opt.out_dir = a.out;
  opt.resume = a.resume;
  opt.progress = progress_mode(a.progress);
  opt.oracle = a.no_oracle ? nullptr : &oracle;
  opt.max_steps = a.max_steps;
  fmt::print("training {} on {} ({})\n", file.string(), sim->name(), a.resume ? "resuming" : "fresh run");
  std::fflush(stdout);
  const TrainResult r = run_training(config, *sim, opt);

  fmt::print("{} after {} steps ({} epochs) in {:.2f} s, {:.0f} steps/s\n", r.completed ? "done" : "stopped", r.steps,
             r.epochs, r.seconds, r.steps_per_s);
  fmt::print("train loss {:.4e} -> {:.4e}\n", r.initial.train_loss, r.final.train_loss);
  fmt::print("test  loss {:.4e} -> {:.4e}\n", r.initial.test_loss, r.final.test_loss);
  if (r.final.test_accuracy >= 0.0)
    fmt::print("test accuracy {:.1f} % -> {:.1f} %\n", 100.0 * r.initial.test_accuracy, 100.0 * r.final.test_accuracy);
  if (r.q_initial > 0.0)  // transistor networks learn gates: their candidates are in metrics.jsonl
    fmt::print("Q = sum k^2: {:.6e} -> {:.6e} S^2\n", r.q_initial, r.q_final);
  if (r.identity_max_relative)
    fmt::print("identity residual |2 k.dk + alpha nu S| / scale, max over steps: {:.2e}\n", *r.identity_max_relative);
  fmt::print("results in {}\n", r.out_dir.string());
}

}  // namespace

void add_train(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  auto* cmd = app.add_subcommand("train", "Train a network by CL or EP (default: the bundled Iris experiment on ngspice)");
  cmd->add_option("experiment", args->experiment, "Experiment JSON (default: netlists/experiments/default.json)");
  cmd->add_option("--backend", args->backend,
                  "ngspice (circuit level), ideal (Eigen, exact) or hil (the instruments of --instruments)")
      ->check(CLI::IsMember({"ngspice", "ideal", "hil"}))
      ->capture_default_str();
  cmd->add_option("--instruments", args->instruments,
                  "With --backend hil: the addresses file `spiceloop serve BENCH --addresses ADDRS.json` writes");
  add_renamed_option(*cmd, "--bench", "--instruments", true);
  cmd->add_option("--out", args->out, "Output directory (default: the experiment's output_dir)");
  cmd->add_flag("--resume", args->resume, "Continue a killed run from its last checkpoint in the output directory");
  cmd->add_flag("--no-oracle", args->no_oracle, "Skip the Eigen identity check at every step");
  cmd->add_option("--progress", args->progress, "auto | bar | lines | off")
      ->check(CLI::IsMember({"auto", "bar", "lines", "off"}))
      ->capture_default_str();
  cmd->add_option("--max-steps", args->max_steps, "Stop after this many steps, as if killed (for tests)");
  cmd->callback([args] { run(*args); });
}

}  // namespace spiceloop::cli
