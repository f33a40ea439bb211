// spiceloop transient EXPERIMENT.json: the learning machine in time (emulator/dynamics): the twin
// machine as one ngspice transient, or its ODE on the ideal backend. Writes into --out the deck
// (transient.cir, runnable as `ngspice -b transient.cir`), trajectory.csv, summary.json and
// trajectory.png. A run that stops early keeps its partial trajectory and then fails with
// dynamics.transient_failed, saying what to change. With noise ("noise_kelvin"), noise_prediction.csv
// (the predicted Var(Q) per row, noise.hpp); for classification tasks, accuracy.json (accuracy.hpp).
#include <fmt/format.h>

#include <filesystem>

#include "emulator/core/atomic_file.hpp"
#include "emulator/dynamics/accuracy.hpp"
#include "emulator/dynamics/machine.hpp"
#include "emulator/dynamics/noise.hpp"
#include "emulator/dynamics/ode_run.hpp"
#include "emulator/dynamics/spice_run.hpp"
#include "emulator/dynamics/trajectory.hpp"
#include "tools/spiceloop/commands.hpp"

namespace spiceloop::cli {

namespace {

struct TransientArgs {
  std::string experiment;
  std::string out = "runs/transient";
  std::string backend = "ngspice";
  bool no_plot = false;
};

void run(const TransientArgs& a) {
  const TrainConfig config = load_train_config_file(a.experiment);
  const Machine m = plan_machine(config);
  const std::filesystem::path dir(a.out);
  std::filesystem::create_directories(dir);
  write_file_atomically(dir / "transient.cir", machine_deck(m));
  fmt::print("{}: {} periods of {} s ({} samples, {} epochs), {} learned {} on {}\n", m.net.name, m.periods,
             m.spec.period_seconds, m.data.train.size(), m.spec.epochs, m.learned.size(),
             m.gates ? "gates" : "conductances", a.backend);
  const Trajectory t = a.backend == "ideal" ? run_on_ideal(m) : run_on_ngspice(m);
  for (const auto& f : write_trajectory(m, t, dir, a.no_plot)) fmt::print("wrote {}\n", f.string());
  fmt::print("wrote {}\n", (dir / "transient.cir").string());
  if (!t.complete) fail_incomplete(m, t, dir);
  if (m.spec.noisy()) fmt::print("wrote {}\n", write_noise_prediction(m, t, dir).string());
  if (const auto acc = classification_accuracy(m, t.rows.back().parameters)) {
    write_file_atomically(dir / "accuracy.json", fmt::format("{{\"test\": {:.17g}, \"train\": {:.17g}}}\n", acc->test, acc->train));
    fmt::print("accuracy: test {:.4g}, train {:.4g} (wrote {})\n", acc->test, acc->train, (dir / "accuracy.json").string());
  }
  const TrajectoryRow& last = t.rows.back();
  fmt::print("simulated {:.6g} s in {:.3g} s wall ({:.4g} simulated s per wall s); last loss {:.6g}, Q {:.9g} -> {:.9g}\n",
             t.simulated_seconds(), t.wall_seconds, t.simulated_seconds() / t.wall_seconds, last.loss, t.rows.front().q,
             last.q);
}

}  // namespace

void add_transient(CLI::App& app) {
  auto args = std::make_shared<TransientArgs>();
  auto* cmd = app.add_subcommand("transient", "The learning machine in time: one ngspice transient of the twin machine, or its ODE");
  cmd->add_option("experiment", args->experiment, "Experiment JSON (its \"dynamics\" section: emulator/dynamics/spec.hpp)")
      ->required();
  cmd->add_option("--out", args->out, "Output directory")->capture_default_str();
  cmd->add_option("--backend", args->backend, "ngspice (one transient) or ideal (the ODE)")
      ->check(CLI::IsMember({"ngspice", "ideal"}))
      ->capture_default_str();
  cmd->add_flag("--no-plot", args->no_plot, "Skip trajectory.png (matplotlib)");
  cmd->callback([args] { run(*args); });
}

}  // namespace spiceloop::cli
