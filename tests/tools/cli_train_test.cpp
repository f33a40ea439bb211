// spiceloop train as a user runs it: the bundled default, and a run killed with SIGKILL mid-way
// that resumes from its checkpoint and ends with exactly the network of an uninterrupted run.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/common/files.hpp"
#include "tests/common/paths.hpp"
#include "tests/common/run_command.hpp"

using namespace spiceloop::test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// Long enough on ngspice to be killed mid-run (thousands of steps), checkpointing often.
fs::path write_experiment(const fs::path& dir) {
  const nlohmann::json exp = {{"network", bundled("lab16.json")},
                              {"task", {{"kind", "allostery"}}},
                              {"rule", {{"kind", "cl"}, {"eta", 0.5}, {"convention", "code"}}},
                              {"alpha", 2e-6},
                              {"epochs", 6000},
                              {"seed", 3},
                              {"checkpoint_every", 200},
                              {"metrics", "epoch"}};
  const fs::path file = dir / "experiment.json";
  std::ofstream(file) << exp.dump(2);
  return file;
}

pid_t spawn_train(const fs::path& experiment, const fs::path& out) {
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string bin = spiceloop_binary();
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    execl(bin.c_str(), bin.c_str(), "train", experiment.c_str(), "--backend", "ngspice", "--out", out.c_str(),
          "--progress", "off", static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

}  // namespace

TEST_CASE("spiceloop train: the bundled default trains on ngspice and writes its results", "[cli][ngspice]") {
  const ScratchDir scratch("train_default");
  const fs::path& out = scratch.dir;
  const auto r = run_command(spiceloop_binary() + " train --progress off --out " + out.string(), true);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Contains("test accuracy"));
  for (const char* f : {"metrics.jsonl", "summary.json", "network.json", "checkpoint.json"}) CHECK(fs::exists(out / f));
  const auto summary = nlohmann::json::parse(read_text(out / "summary.json"));
  CHECK(summary.dump().find("convention") != std::string::npos);
  // The trained network is a network file the other commands accept.
  CHECK(run_command(spiceloop_binary() + " solve " + (out / "network.json").string() + " --backend ideal").exit_code == 0);
}

TEST_CASE("spiceloop train: killed with SIGKILL and resumed, a run ends bit-identical to an uninterrupted one",
          "[cli][ngspice]") {
  const ScratchDir scratch("train_kill");
  const fs::path& dir = scratch.dir;
  const fs::path experiment = write_experiment(dir);

  const auto whole = run_command(spiceloop_binary() + " train " + experiment.string() +
                                 " --backend ngspice --progress off --out " + (dir / "whole").string(), true);
  REQUIRE(whole.exit_code == 0);

  const pid_t pid = spawn_train(experiment, dir / "killed");
  // Kill as soon as a checkpoint exists and before the run can finish.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!fs::exists(dir / "killed" / "checkpoint.json") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));  // it really died mid-run
  REQUIRE_FALSE(fs::exists(dir / "killed" / "summary.json"));

  const auto resumed = run_command(spiceloop_binary() + " train " + experiment.string() +
                                   " --backend ngspice --progress off --resume --out " + (dir / "killed").string(), true);
  REQUIRE(resumed.exit_code == 0);
  CHECK(read_text(dir / "killed" / "network.json") == read_text(dir / "whole" / "network.json"));
}

TEST_CASE("spiceloop train: a stopped run prints its last measured loss, never a zero it did not measure", "[cli]") {
  const ScratchDir scratch("train_stopped");
  const std::string base = spiceloop_binary() + " train " + experiment_file("default.json") +
                           " --backend ideal --progress off --out " + scratch.dir.string();
  // One step per epoch, an evaluation every 5: stopped at step 23, the last was at epoch 20.
  const auto r = run_command(base + " --max-steps 23", true);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Contains("stopped after 23 steps") && Contains("(last evaluation, epoch 20)"));
  CHECK_THAT(r.output, !Contains("0.0000e+00"));
  // Resumed from step 20 and stopped before the next evaluation: nothing measured in this call.
  const auto again = run_command(base + " --resume --max-steps 2", true);
  REQUIRE(again.exit_code == 0);
  CHECK_THAT(again.output, Contains("no evaluation since"));
  CHECK_THAT(again.output, !Contains("0.0000e+00"));
}

TEST_CASE("spiceloop train: a killed run's folder is kept unless --resume or --overwrite says otherwise", "[cli]") {
  const ScratchDir scratch("train_keep");
  const std::string base = spiceloop_binary() + " train " + experiment_file("default.json") +
                           " --backend ideal --progress off --out " + scratch.dir.string();
  REQUIRE(run_command(base + " --max-steps 12", true).exit_code == 0);
  const std::string checkpoint = read_text(scratch.dir / "checkpoint.json");
  const std::string metrics = read_text(scratch.dir / "metrics.jsonl");
  const auto refused = run_command(base, true);
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.output, Contains("train.existing_run") && Contains("--resume") && Contains("--overwrite"));
  CHECK(read_text(scratch.dir / "checkpoint.json") == checkpoint);
  CHECK(read_text(scratch.dir / "metrics.jsonl") == metrics);
  CHECK(run_command(base + " --resume --overwrite", true).exit_code != 0);  // one or the other
  CHECK(run_command(base + " --overwrite", true).exit_code == 0);
}
