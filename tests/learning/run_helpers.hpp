// Helpers for tests that run whole trainings: quiet run options, comparisons of two runs' files,
// and a simulator that misbehaves on purpose.
#pragma once

#include <chrono>
#include <filesystem>
#include <limits>
#include <span>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "emulator/learning/config.hpp"
#include "emulator/learning/run/run.hpp"
#include "emulator/sim/simulator.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "tests/common/experiments.hpp"
#include "tests/common/files.hpp"

namespace spiceloop::testrun {

// metrics.jsonl without its wall-clock fields, which are the only part allowed to differ.
inline std::string metrics_without_timing(const std::filesystem::path& dir) {
  std::istringstream in(test::read_text(dir / "metrics.jsonl"));
  std::string line, out;
  while (std::getline(in, line)) {
    auto j = nlohmann::ordered_json::parse(line);
    j.erase("steps_per_s");
    out += j.dump() + "\n";
  }
  return out;
}

inline TrainRunOptions quiet(const std::filesystem::path& out, Simulator* oracle = nullptr) {
  TrainRunOptions o;
  o.out_dir = out;
  o.progress = ProgressMode::Off;
  o.oracle = oracle;
  o.plot = false;
  return o;
}

// Regression on lab16, 2 epochs of 80 steps, a checkpoint every 25 (the checkpoint tests' run).
inline TrainConfig short_regression() {
  return test::bundled_experiment("regression.json", {{"epochs", 2}, {"checkpoint_every", 25}});
}

// A whole run on the ideal backend into out, as `spiceloop train [--resume] [--max-steps N]` does.
TrainResult train_ideal(const TrainConfig& c, const std::filesystem::path& out, bool resume = false,
                        std::int64_t max_steps = -1);

// A Simulator that forwards to another and can misbehave: slow solves, or NaN after some solves.
class WrappedSimulator : public Simulator {
 public:
  explicit WrappedSimulator(Simulator& inner) : inner_(inner) {}
  std::string name() const override { return inner_.name(); }  // same fingerprint as the inner one

  long nan_after_solves = -1;  // from this many solves on, voltages are NaN
  long delay_us = 0;           // added to every batch

 protected:
  void do_load(const Network& net) override { inner_.load(net); }
  void do_set_conductances(std::span<const double> k) override { inner_.set_conductances(k); }
  void do_reset_history() override { inner_.reset_history(); }
  State do_solve(const Drive& d) override { return spoil(inner_.solve(d)); }
  TwinState do_solve_twin(const Drive& d) override {
    TwinState t = inner_.solve_twin(d);
    t.free = spoil(std::move(t.free));
    return t;
  }
  std::vector<State> do_solve_batch(std::span<const Drive> drives) override {
    if (delay_us > 0) usleep_for(delay_us);
    auto states = inner_.solve_batch(drives);
    for (State& s : states) s = spoil(std::move(s));
    return states;
  }

 private:
  static void usleep_for(long us);
  State spoil(State s) {
    if (nan_after_solves >= 0 && solves_++ >= nan_after_solves)
      for (double& v : s.node_volts) v = std::numeric_limits<double>::quiet_NaN();
    return s;
  }
  Simulator& inner_;
  long solves_ = 0;
};

inline void WrappedSimulator::usleep_for(long us) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(us);
  while (std::chrono::steady_clock::now() < until) {
  }
}

inline TrainResult train_ideal(const TrainConfig& c, const std::filesystem::path& out, bool resume,
                               std::int64_t max_steps) {
  IdealSimulator sim(c.tolerances);
  TrainRunOptions o = quiet(out);
  o.resume = resume;
  o.max_steps = max_steps;
  return run_training(c, sim, o);
}

}  // namespace spiceloop::testrun
