// spiceloop train [EXPERIMENT.json]: a training run on either backend. With no experiment it runs
// the bundled default (netlists/experiments/default.json) on embedded ngspice: the README's main job.
// With --panel [PORT], the front panel shows the run live (charts, network) on 127.0.0.1 and stays
// up after the run until Ctrl-C.
#include <fmt/format.h>

#include <filesystem>

#include "emulator/core/error.hpp"
#include "emulator/learning/run/run.hpp"
#include "drivers/panel/run_feed.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "tools/spiceloop/bundled.hpp"
#include "tools/spiceloop/commands.hpp"
#include "tools/spiceloop/run_panel.hpp"
#include "tools/spiceloop/stop_signals.hpp"

namespace spiceloop::cli {

namespace {

struct TrainArgs {
  std::string experiment;
  std::string backend = "ngspice";
  std::string instruments;  // --backend hil: the addresses file
  std::string out;
  bool resume = false;
  bool overwrite = false;
  bool no_oracle = false;
  bool no_plot = false;
  std::string progress = "auto";
  std::int64_t max_steps = -1;
  std::int64_t seed = -1;  // -1: the experiment's own
  bool panel = false;
  int panel_port = -1;
};

ProgressMode progress_mode(const std::string& s) {
  if (s == "bar") return ProgressMode::Bar;
  if (s == "lines") return ProgressMode::Lines;
  if (s == "off") return ProgressMode::Off;
  return ProgressMode::Auto;
}

void run(const TrainArgs& a) {
  const std::filesystem::path file = a.experiment.empty() ? bundled_file("netlists/experiments/default.json") : std::filesystem::path(a.experiment);
  TrainConfig config = load_train_config_file(file);
  if (a.seed >= 0) {
    // Into the document too: it is hashed into the checkpoint and copied into summary.json.
    config.seed = static_cast<std::uint64_t>(a.seed);
    config.document["seed"] = a.seed;
  }
  if (!a.instruments.empty() && a.backend != "hil")
    throw InputError("cli.instruments", "--instruments",
                     "--instruments names the instruments for --backend hil; add --backend hil");
  const std::optional<std::uint16_t> panel_port = panel_port_option(a.panel_port, "--panel");
  std::optional<StopSignals> stop_signals;  // before any thread starts; Ctrl-C still stops the run
  if (a.panel) stop_signals.emplace(true);
  // hil: the bench's stand-ins or real instruments, whose tolerances are their own.
  const std::unique_ptr<Simulator> sim = make_simulator({a.backend, config.tolerances, a.instruments});
  IdealSimulator oracle(config.tolerances);

  TrainRunOptions opt;
  opt.out_dir = a.out;
  opt.resume = a.resume;
  opt.overwrite = a.overwrite;
  opt.progress = progress_mode(a.progress);
  opt.oracle = a.no_oracle ? nullptr : &oracle;
  opt.max_steps = a.max_steps;
  opt.plot = !a.no_plot;
  std::unique_ptr<panel::RunFeed> feed;
  std::unique_ptr<RunPanel> front_panel;
  if (a.panel) {
    feed = std::make_unique<panel::RunFeed>(file.stem().string(), resolve_network(config));
    front_panel = std::make_unique<RunPanel>(*feed, panel_port);
    opt.observe = [&feed](const RunUpdate& u) { feed->record(u.record, u.siemens, u.dk, u.free_volts); };
  }
  fmt::print("training {} on {} ({})\n", file.string(), sim->name(), a.resume ? "resuming" : "fresh run");
  if (front_panel) fmt::print("panel: {}\n", front_panel->url());
  std::fflush(stdout);
  const TrainResult r = run_training(config, *sim, opt);

  fmt::print("{} after {} steps ({} epochs) in {:.2f} s, {:.0f} steps/s\n", r.completed ? "done" : "stopped", r.steps,
             r.epochs, r.seconds, r.steps_per_s);
  // A stopped run has no final evaluation: show the latest one it made, or say there was none.
  const EvalRecord* last = r.completed ? &r.final : r.last_evaluation ? &*r.last_evaluation : nullptr;
  const std::string when = r.completed ? "" : fmt::format(" (last evaluation, epoch {})", r.last_evaluation_epoch);
  if (last) {
    fmt::print("train loss {:.4e} -> {:.4e}{}\n", r.initial.train_loss, last->train_loss, when);
    fmt::print("test  loss {:.4e} -> {:.4e}{}\n", r.initial.test_loss, last->test_loss, when);
    if (last->test_accuracy >= 0.0)
      fmt::print("test accuracy {:.1f} % -> {:.1f} %{}\n", 100.0 * r.initial.test_accuracy,
                 100.0 * last->test_accuracy, when);
  } else {
    fmt::print("train loss {:.4e}, test loss {:.4e} at the start; no evaluation since (--resume continues)\n",
               r.initial.train_loss, r.initial.test_loss);
  }
  if (r.q_initial > 0.0)  // transistor networks learn gates: their candidates are in metrics.jsonl
    fmt::print("Q = sum k^2: {:.6e} -> {:.6e} S^2\n", r.q_initial, r.q_final);
  if (r.identity_max_relative)
    fmt::print("identity residual |2 k.dk + alpha nu S| / scale, max over steps: {:.2e}\n", *r.identity_max_relative);
  fmt::print("results in {}\n", r.out_dir.string());
  if (front_panel) {
    feed->set_status(r.completed ? "finished" : "stopped");
    fmt::print("the panel stays up at {} (Ctrl-C ends)\n", front_panel->url());
    std::fflush(stdout);
    stop_signals->wait();
  }
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
  auto* resume = cmd->add_flag("--resume", args->resume, "Continue a killed run from its last checkpoint in the output directory");
  cmd->add_flag("--overwrite", args->overwrite,
                "Replace a run already in the output directory (without --resume or --overwrite, one there is an error)")
      ->excludes(resume);
  cmd->add_flag("--no-oracle", args->no_oracle, "Skip the Eigen identity check at every step");
  cmd->add_flag("--no-plot", args->no_plot, "Skip loss.png and network.png (matplotlib)");
  cmd->add_option("--progress", args->progress, "auto | bar | lines | off")
      ->check(CLI::IsMember({"auto", "bar", "lines", "off"}))
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "Replace the experiment's seed (the data split, shuffles, drawn targets)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-steps", args->max_steps, "Stop after this many steps, as if killed (for tests)");
  cmd->add_option("--panel", args->panel_port, "Show the run live in the front panel (a web page on 127.0.0.1, PORT if given)")
      ->expected(0, 1);
  cmd->callback([args, cmd] {
    args->panel = cmd->count("--panel") > 0;
    run(*args);
  });
}

}  // namespace spiceloop::cli
