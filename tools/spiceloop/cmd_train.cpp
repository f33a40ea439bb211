// spiceloop train [EXPERIMENT.json]: a training run on either backend. With no experiment it runs
// the bundled default (netlists/experiments/default.json) on embedded ngspice: the README's main job.
// With --panel [PORT], the front panel shows the run live (charts, network) on 127.0.0.1 and stays
// up after the run until Ctrl-C. Under `mpirun -n K` the ranks share each batch (learning/team.hpp):
// rank 0 prints and writes, an error on any rank ends every rank. --perf prints where the step
// and evaluation time went (tools/mpi_train_bench.py reads its perf-json line).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "emulator/core/error.hpp"
#include "emulator/learning/run/run.hpp"
#include "drivers/panel/run_feed.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/study/rank_team.hpp"
#include "emulator/study/ranks.hpp"
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
  bool perf = false;
};

ProgressMode progress_mode(const std::string& s) {
  if (s == "bar") return ProgressMode::Bar;
  if (s == "lines") return ProgressMode::Lines;
  if (s == "off") return ProgressMode::Off;
  return ProgressMode::Auto;
}

// One step's allgather alone, without the solves around it (so without waiting for a slower
// rank): the median of 101, on every rank.
double allgather_alone(Team& team, std::size_t values) {
  std::vector<int> counts(static_cast<std::size_t>(team.size()));
  for (int r = 0; r < team.size(); ++r) counts[static_cast<std::size_t>(r)] = static_cast<int>(share_of(values, r, team.size()).count);
  std::vector<double> buffer(values, 1.0), seconds;
  for (int i = 0; i < 101; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    team.allgather_in_place(buffer, counts);
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::nth_element(seconds.begin(), seconds.begin() + 50, seconds.end());
  return team.max(seconds[50]);
}

// Where the time went, from every rank (collective: every rank calls it); rank 0 prints. Solves:
// the slowest rank's; gathers: the least any rank spent in them (the exchange itself, without
// waiting for a slower rank); samples: the most any rank solved.
void print_perf(const TrainResult& r, const TrainConfig& config, Team* team) {
  const auto most = [&](double x) { return team ? team->max(x) : x; };
  const auto least = [&](double x) { return team ? -team->max(-x) : x; };
  const auto part = [&](const char* name, double wall, const ShareTimes& t) {
    const double solve = most(t.solve_seconds), gather = least(t.gather_seconds);
    const double samples = most(static_cast<double>(t.samples));
    return nlohmann::ordered_json{{"wall_s", most(wall)}, {"solve_s", solve}, {"gather_s", gather},
                                  {"samples", samples}, {"rounds", t.rounds},
                                  {"per_sample_s", samples > 0 ? solve / samples : 0.0}, {"part", name}};
  };
  const nlohmann::ordered_json steps = part("steps", r.step_seconds, r.step_times);
  const nlohmann::ordered_json evals = part("evaluations", r.evaluation_seconds, r.evaluation_times);
  const std::size_t step_values =
      r.step_times.rounds > 0 ? static_cast<std::size_t>(r.step_times.values / r.step_times.rounds) : 0;
  const double alone = team && step_values > 0 ? allgather_alone(*team, step_values) : 0.0;
  if (team && team->rank() != 0) return;
  const int ranks = team ? team->size() : 1;
  if (team)
    fmt::print("perf allgather alone, one step's {} doubles: {:.4f} ms (median of 101)\n", step_values, 1e3 * alone);
  for (const auto& j : {steps, evals})
    fmt::print("perf {:<11} {} rounds: wall {:.3f} s, solving {:.3f} s ({} samples on the busiest rank, "
               "{:.3f} ms a sample), gathering {:.4f} s\n",
               j["part"].get<std::string>(), j["rounds"].get<std::int64_t>(), j["wall_s"].get<double>(),
               j["solve_s"].get<double>(), j["samples"].get<double>(), 1e3 * j["per_sample_s"].get<double>(),
               j["gather_s"].get<double>());
  nlohmann::ordered_json all{{"ranks", ranks},
                             {"batch_size", config.batch_size},
                             {"steps", steps["rounds"]},
                             {"seconds", r.seconds},
                             {"step_allgather_alone_s", alone},
                             {"step_allgather_values", step_values},
                             {"steps_part", steps},
                             {"evaluations_part", evals}};
  fmt::print("perf-json {}\n", all.dump());
}

void run(const TrainArgs& a, Team* team) {
  const bool talk = team == nullptr || team->rank() == 0;  // rank 0 alone prints
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
  if (team && a.panel)
    throw InputError("train.mpi", "--panel", "the panel shows one process's run; drop --panel under mpirun");
  if (team && a.backend == "hil")
    throw InputError("train.mpi", "--backend hil",
                     "the ranks would share one bench's instruments; train on hil as one process");
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
  opt.team = team;
  std::unique_ptr<panel::RunFeed> feed;
  std::unique_ptr<RunPanel> front_panel;
  if (a.panel) {
    feed = std::make_unique<panel::RunFeed>(file.stem().string(), resolve_network(config));
    front_panel = std::make_unique<RunPanel>(*feed, panel_port);
    opt.observe = [&feed](const RunUpdate& u) { feed->record(u.record, u.siemens, u.dk, u.free_volts); };
  }
  if (talk)
    fmt::print("training {} on {} ({}{})\n", file.string(), sim->name(), a.resume ? "resuming" : "fresh run",
               team ? fmt::format(", {} ranks", team->size()) : "");
  if (front_panel) fmt::print("panel: {}\n", front_panel->url());
  std::fflush(stdout);
  const TrainResult r = run_training(config, *sim, opt);
  if (a.perf) print_perf(r, config, team);
  if (!talk) return;

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

// Under mpirun with K > 1 ranks, each rank trains with the team; an error on one rank would leave
// the others waiting in a gather, so it ends them all.
void run_ranks(const TrainArgs& a) {
  study::Ranks& ranks = study::Ranks::world();
  if (ranks.size() == 1) return run(a, nullptr);
  study::RankTeam team;
  try {
    run(a, &team);
  } catch (const std::exception& e) {
    const int code = print_error(e, fmt::format("error (rank {} of {})", ranks.rank(), ranks.size()));
    std::fflush(stderr);
    ranks.abort(code);
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
  cmd->add_flag("--perf", args->perf,
                "Print where the time went: solving, gathering (under mpirun), per sample (tools/mpi_train_bench.py)");
  cmd->callback([args, cmd] {
    args->panel = cmd->count("--panel") > 0;
    run_ranks(*args);
  });
}

}  // namespace spiceloop::cli
