// Resume is bit-identical on every backend from any checkpoint: each bundled experiment, stopped
// at several steps (none a multiple of the checkpoint interval, so each resume replays from an
// earlier checkpoint) and resumed, ends with the same network.json and metrics.jsonl bytes
// (timings aside) as an uninterrupted run. Guards against solver history leaking into results:
// ngspice's halted transient keeps the matrix ordering it chose with earlier conductances, so
// before every checkpoint reset its history, a regression run stopped at step 400 and resumed
// differed from step 401 by 3e-14 relative, and the default Iris run in network.json's last digits.
#include <catch2/catch.hpp>

#include <memory>

#include "emulator/learning/run/run.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/spice/ngspice_simulator.hpp"
#include "tests/common/experiments.hpp"
#include "tests/common/files.hpp"
#include "tests/learning/run_helpers.hpp"

using namespace spiceloop;
namespace fs = std::filesystem;

namespace {

struct Case {
  const char* file;
  nlohmann::json shorter;  // fewer epochs, and a checkpoint interval that divides nothing convenient
  std::vector<std::int64_t> stops;  // steps run by each call before the last
};

// Steps per epoch: default, iris_ep 1 (batch 30 of 30); regression 80; memristor_crossbar 40; the others 1.
const std::vector<Case> kCases = {
    {"default.json", {{"epochs", 30}, {"checkpoint_every", 7}}, {9, 11, 5}},
    {"iris_ep.json", {{"epochs", 20}, {"checkpoint_every", 6}}, {8, 13}},
    {"regression.json", {{"epochs", 1}, {"checkpoint_every", 23}}, {30, 37, 4}},
    {"allostery.json", {{"epochs", 60}, {"checkpoint_every", 11}}, {17, 29}},
    {"sign_rule.json", {{"epochs", 40}, {"checkpoint_every", 9}}, {13, 14}},
    {"xor.json", {{"epochs", 30}, {"checkpoint_every", 7}}, {10, 12}},
    // Memristors: pulse noise from the training stream, drift state in the checkpoint (40 steps an epoch).
    {"memristor_crossbar.json", {{"epochs", 2}, {"checkpoint_every", 13}}, {20, 31}},
};

std::unique_ptr<Simulator> make(const std::string& backend, const TrainConfig& c) {
  if (backend == "ngspice") return std::make_unique<NgspiceSimulator>(c.tolerances);
  return std::make_unique<IdealSimulator>(c.tolerances);
}

// Each call in a fresh simulator, as each `spiceloop train --resume` is a fresh process.
TrainResult train(const std::string& backend, const TrainConfig& c, const fs::path& out, bool resume,
                  std::int64_t max_steps) {
  const auto sim = make(backend, c);
  IdealSimulator oracle(c.tolerances);
  TrainRunOptions o = testrun::quiet(out, &oracle);
  o.resume = resume;
  o.max_steps = max_steps;
  return run_training(c, *sim, o);
}

void check_resume_exact(const std::string& backend) {
  for (const Case& k : kCases) {
    INFO(k.file << " on " << backend);
    const TrainConfig c = test::bundled_experiment(k.file, k.shorter);
    const test::ScratchDir scratch("resume_exact");
    const fs::path whole = scratch.dir / "whole", parts = scratch.dir / "parts";
    REQUIRE(train(backend, c, whole, false, -1).completed);
    bool resume = false;
    for (std::int64_t stop : k.stops) {
      CHECK_FALSE(train(backend, c, parts, resume, stop).completed);
      resume = true;
    }
    REQUIRE(train(backend, c, parts, true, -1).completed);
    CHECK(test::read_text(parts / "network.json") == test::read_text(whole / "network.json"));
    CHECK(testrun::metrics_without_timing(parts) == testrun::metrics_without_timing(whole));
  }
}

}  // namespace

TEST_CASE("resume: every bundled experiment resumed from several steps ends bit-identical on ngspice",
          "[checkpoint][ngspice]") {
  check_resume_exact("ngspice");
}

TEST_CASE("resume: every bundled experiment resumed from several steps ends bit-identical on the ideal backend",
          "[checkpoint]") {
  check_resume_exact("ideal");
}
