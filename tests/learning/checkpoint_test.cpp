// Checkpoints and resume: exact doubles, bit-identical continuation after a simulated and a real
// kill, refusal of a foreign checkpoint, and no checkpoint ever written from a non-finite state.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "emulator/core/error.hpp"
#include "emulator/learning/run/checkpoint.hpp"
#include "emulator/core/random.hpp"
#include "emulator/learning/run/run.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "tests/common/experiments.hpp"
#include "tests/common/files.hpp"
#include "tests/learning/run_helpers.hpp"

using namespace spiceloop;
namespace fs = std::filesystem;

namespace {

// Regression on lab16: 160 steps, a checkpoint every 25; plus a digipot run whose stochastic
// rounding and desync mask draw from the training RNG, so its state must be restored exactly.
TrainConfig regression() { return testrun::short_regression(); }
TrainConfig stochastic_taps() {
  return test::bundled_experiment("sign_rule.json", {{"epochs", 60},
                                                {"checkpoint_every", 7},
                                                {"rule", {{"twin", false}}},
                                                {"alpha", 1e-6},
                                                {"update", {{"mode", "quantised"}, {"rounding", "stochastic"},
                                                            {"desync_fraction", 0.5}, {"sign_deadband", nullptr}}}});
}

void check_same_run(const fs::path& a, const fs::path& b) {
  CHECK(test::read_text(a / "network.json") == test::read_text(b / "network.json"));
  CHECK(testrun::metrics_without_timing(a) == testrun::metrics_without_timing(b));
  const Checkpoint ca = read_checkpoint(a / "checkpoint.json"), cb = read_checkpoint(b / "checkpoint.json");
  CHECK(ca.siemens == cb.siemens);
  CHECK(ca.codes == cb.codes);
  CHECK(ca.rng == cb.rng);
  CHECK(ca.step == cb.step);
}

TrainResult run(const TrainConfig& c, const fs::path& out, bool resume = false, std::int64_t max_steps = -1) {
  return testrun::train_ideal(c, out, resume, max_steps);
}

}  // namespace

TEST_CASE("checkpoint: doubles round-trip exactly as hex floats", "[checkpoint]") {
  Rng rng(1);
  std::vector<double> xs = {0.0, -0.0, 1.0, -2.5, 1e-300, 4.9e-324, 1.7976931348623157e308, 0.1, 1.0 / 3.0};
  for (int i = 0; i < 1000; ++i) xs.push_back(std::ldexp(rng.uniform(-1, 1), static_cast<int>(rng.below(200)) - 100));
  for (double x : xs) {
    const double y = parse_hex_double(hex_double(x), "test");
    CHECK(std::memcmp(&x, &y, sizeof x) == 0);
  }
  CHECK(hex_double(1.5) == "0x1.8p+0");
  CHECK(hex_double(-1.5) == "-0x1.8p+0");
}

TEST_CASE("checkpoint: a run stopped by a step limit and resumed ends bit-identical to an uninterrupted one",
          "[checkpoint]") {
  for (const TrainConfig& c : {regression(), stochastic_taps()}) {
    const test::ScratchDir scratch("checkpoint_parts");
    const fs::path whole = scratch.dir / "whole", parts = scratch.dir / "parts";
    run(c, whole);
    // Stops between checkpoints, on one, and twice in a row: each resume replays from the last
    // checkpoint and drops the metrics lines written after it.
    const TrainResult first = run(c, parts, false, 37);
    CHECK_FALSE(first.completed);
    CHECK(first.steps == 37);
    run(c, parts, true, 13);
    run(c, parts, true, 30);
    const TrainResult last = run(c, parts, true);
    CHECK(last.completed);
    check_same_run(whole, parts);
  }
}

TEST_CASE("checkpoint: resuming a completed run changes nothing", "[checkpoint]") {
  const TrainConfig c = regression();
  const test::ScratchDir scratch("checkpoint_completed");
  const fs::path a = scratch.dir / "a", b = scratch.dir / "b";
  run(c, a);
  run(c, b);
  const TrainResult again = run(c, a, true);
  CHECK(again.completed);
  check_same_run(a, b);
}

TEST_CASE("checkpoint: resuming with a checkpoint from another config is refused", "[checkpoint]") {
  const test::ScratchDir scratch("checkpoint_foreign");
  const fs::path& out = scratch.dir;
  run(regression(), out, false, 30);
  const TrainConfig other = test::bundled_experiment("regression.json", {{"epochs", 2}, {"checkpoint_every", 25}, {"alpha", 6e-5}});
  try {
    run(other, out, true);
    FAIL("resumed a foreign checkpoint");
  } catch (const InputError& e) {
    CHECK(e.id() == "checkpoint.mismatch");
  }
}

TEST_CASE("checkpoint: resuming with no checkpoint is a clear error", "[checkpoint]") {
  const test::ScratchDir scratch("checkpoint_nothing");
  try {
    run(regression(), scratch.dir, true);
    FAIL("resumed from nothing");
  } catch (const InputError& e) {
    CHECK(e.id() == "checkpoint.missing");
  }
}

TEST_CASE("checkpoint: a non-finite value stops training and leaves the last checkpoint intact", "[checkpoint]") {
  const TrainConfig c = regression();
  const test::ScratchDir scratch("checkpoint_nan");
  const fs::path out = scratch.dir / "nan";
  IdealSimulator inner(c.tolerances);
  testrun::WrappedSimulator sim(inner);
  // Evaluation solves 100 samples, then each step 2: NaN from step 60 on (checkpoints at 25, 50).
  sim.nan_after_solves = 100 + 2 * 59;
  try {
    run_training(c, sim, testrun::quiet(out));
    FAIL("trained through NaN");
  } catch (const SimulationError& e) {
    CHECK(e.id() == "train.non_finite");
    CHECK(e.where() == "step 60");
  }
  const Checkpoint kept = read_checkpoint(out / "checkpoint.json");
  CHECK(kept.step == 50);
  for (double k : kept.siemens) CHECK(std::isfinite(k));
  CHECK_FALSE(fs::exists(out / "checkpoint.json.tmp"));
  // And the run resumes from it to the same end as an uninterrupted one.
  const fs::path whole = scratch.dir / "whole";
  run(c, whole);
  run(c, out, true);
  check_same_run(whole, out);
}

TEST_CASE("checkpoint: kill -9 in the middle of a run, resume, and the result is bit-identical", "[checkpoint][slow]") {
  const TrainConfig c = regression();
  const test::ScratchDir scratch("checkpoint_kill");
  const fs::path whole = scratch.dir / "whole", killed = scratch.dir / "killed";
  run(c, whole);

  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The child trains slowly (2 ms a step) until it is killed; it never returns into Catch.
    IdealSimulator inner(c.tolerances);
    testrun::WrappedSimulator sim(inner);
    sim.delay_us = 1000;
    try {
      run_training(c, sim, testrun::quiet(killed));
    } catch (...) {
    }
    _exit(0);
  }
  // Wait for the second checkpoint, then kill mid-way to the third.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::int64_t step = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    try {
      step = read_checkpoint(killed / "checkpoint.json").step;
    } catch (const InputError&) {
      continue;  // not written yet
    }
    if (step >= 50) break;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(25));
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(step >= 50);
  const Checkpoint at_kill = read_checkpoint(killed / "checkpoint.json");
  CHECK_FALSE(at_kill.complete);

  const TrainResult resumed = run(c, killed, true);
  CHECK(resumed.completed);
  check_same_run(whole, killed);
}
