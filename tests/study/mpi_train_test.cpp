// Data-parallel training under mpirun (emulator/learning/team.hpp): K ranks write the bytes one
// process writes (network.json, and metrics.jsonl but for its wall-clock fields), for K = 2, 3 on
// the ideal backend and K = 2 on ngspice, with batches that K does not divide, a batch of one (a
// rank with nothing to solve), EP and the twin sign rule; a run stopped and resumed on 2 ranks ends
// as an uninterrupted single process; and an error on one rank ends every rank with its message.
#include <catch2/catch.hpp>

#include <string>

#include "emulator/study/ranks.hpp"
#include "tests/common/files.hpp"
#include "tests/common/paths.hpp"
#include "tests/common/run_command.hpp"
#include "tests/learning/run_helpers.hpp"

namespace fs = std::filesystem;
using spiceloop::test::read_text;
using spiceloop::test::run_command;
using spiceloop::test::spiceloop_binary;

namespace {

// mpirun and an MPI build, or a warning saying what is missing.
bool mpi_ready() {
  if (run_command("command -v mpirun > /dev/null").exit_code != 0) {
    WARN("mpirun not found: install openmpi-bin to run the MPI training tests; skipped");
    return false;
  }
  if (!spiceloop::study::mpi_compiled()) {
    WARN("spiceloop was built without MPI (libopenmpi-dev missing at configure time); skipped");
    return false;
  }
  return true;
}

// A bundled experiment, patched, written into dir with its file references made absolute.
fs::path experiment(const fs::path& dir, const std::string& name, const nlohmann::json& patch) {
  nlohmann::json doc = spiceloop::test::read_json(spiceloop::test::experiment_file(name));
  doc.merge_patch(patch);
  const fs::path from = fs::path(spiceloop::test::experiment_file(name)).parent_path();
  if (doc["network"].is_string()) doc["network"] = (from / doc["network"].get<std::string>()).string();
  if (doc["task"].contains("data")) doc["task"]["data"] = (from / doc["task"]["data"].get<std::string>()).string();
  const fs::path file = dir / (fs::path(name).stem().string() + ".json");
  spiceloop::test::write_json(file, doc);
  return file;
}

// `spiceloop train` on K ranks (K = 0: one process without mpirun); the exit code.
int train(int ranks, const fs::path& config, const std::string& backend, const fs::path& out,
          const std::string& extra = "") {
  const std::string launcher =
      ranks == 0 ? "" : "mpirun --allow-run-as-root --oversubscribe -n " + std::to_string(ranks) + " ";
  return run_command(launcher + spiceloop_binary() + " train " + config.string() + " --backend " + backend +
                     " --no-plot --progress off --out " + out.string() + " " + extra + " > /dev/null")
      .exit_code;
}

void check_same_run(const fs::path& a, const fs::path& b) {
  REQUIRE(fs::exists(b / "network.json"));
  CHECK(read_text(a / "network.json") == read_text(b / "network.json"));
  CHECK(spiceloop::testrun::metrics_without_timing(a) == spiceloop::testrun::metrics_without_timing(b));
}

// Digits cut short: fewer images, batches of 7 (neither 2 nor 3 divides them), step records.
nlohmann::json short_digits(int train_samples, int epochs) {
  return {{"task", {{"train_samples", train_samples}}}, {"batch_size", 7}, {"epochs", epochs},
          {"checkpoint_every", 4}, {"metrics", "step"}};
}

}  // namespace

TEST_CASE("mpi: 2 and 3 ranks train the bytes of one process on the ideal backend", "[study][mpi]") {
  if (!mpi_ready()) return;
  const spiceloop::test::ScratchDir scratch("mpi_train_ideal");
  const std::vector<std::pair<std::string, nlohmann::json>> cases = {
      {"digits.json", short_digits(300, 2)},
      {"iris_ep.json", {{"epochs", 4}, {"metrics", "step"}}},  // EP, batches of 30
      {"default.json", {{"epochs", 5}, {"metrics", "step"}}},
      {"sign_rule.json", {{"epochs", 20}, {"metrics", "step"}}},  // twin solves, batches of one
  };
  for (const auto& [name, patch] : cases) {
    INFO(name);
    const fs::path config = experiment(scratch.dir, name, patch), one = scratch.dir / (name + "-1");
    REQUIRE(train(0, config, "ideal", one) == 0);
    for (int k : {2, 3}) {
      INFO(k << " ranks");
      const fs::path many = scratch.dir / (name + "-" + std::to_string(k));
      REQUIRE(train(k, config, "ideal", many) == 0);
      check_same_run(one, many);
    }
  }
}

TEST_CASE("mpi: 2 ranks train the bytes of one process on ngspice", "[study][mpi][ngspice]") {
  if (!mpi_ready()) return;
  const spiceloop::test::ScratchDir scratch("mpi_train_ngspice");
  for (const auto& [name, patch] : std::vector<std::pair<std::string, nlohmann::json>>{
           {"digits.json", short_digits(120, 1)}, {"sign_rule.json", {{"epochs", 6}, {"metrics", "step"}}}}) {
    INFO(name);
    const fs::path config = experiment(scratch.dir, name, patch), one = scratch.dir / (name + "-1"),
                   two = scratch.dir / (name + "-2");
    REQUIRE(train(0, config, "ngspice", one) == 0);
    REQUIRE(train(2, config, "ngspice", two) == 0);
    check_same_run(one, two);
  }
}

TEST_CASE("mpi: 2 ranks resume a stopped run and end with the bytes of an uninterrupted process",
          "[study][mpi][checkpoint]") {
  if (!mpi_ready()) return;
  const spiceloop::test::ScratchDir scratch("mpi_train_resume");
  for (const std::string backend : {"ideal", "ngspice"}) {
    INFO(backend);
    // 18 steps an epoch, a checkpoint every 4: each stop replays from an earlier checkpoint.
    const fs::path config = experiment(scratch.dir, "digits.json", short_digits(120, 2));
    const fs::path whole = scratch.dir / (backend + "-whole"), parts = scratch.dir / (backend + "-parts");
    REQUIRE(train(0, config, backend, whole) == 0);
    REQUIRE(train(2, config, backend, parts, "--max-steps 9") == 0);
    REQUIRE(train(0, config, backend, parts, "--resume --max-steps 6") == 0);  // one process in between
    REQUIRE(train(2, config, backend, parts, "--resume") == 0);
    check_same_run(whole, parts);
  }
}

TEST_CASE("mpi: 2 ranks end together with the message of an error on rank 1 alone", "[study][mpi][ngspice]") {
  if (!mpi_ready()) return;
  const spiceloop::test::ScratchDir scratch("mpi_train_error");
  const fs::path config = experiment(scratch.dir, "digits.json", short_digits(120, 1));
  // Rank 1's ngspice worker cannot start; rank 0 would otherwise wait for its share for ever.
  const std::string rank = spiceloop_binary() + " train " + config.string() +
                           " --backend ngspice --no-plot --progress off --out " + (scratch.dir / "run").string();
  const auto r = run_command("timeout 120 mpirun --allow-run-as-root --oversubscribe -n 1 " + rank +
                                 " : -n 1 -x SPICELOOP_NGSPICE_WORKER=" + (scratch.dir / "no-such-worker").string() +
                                 " " + rank,
                             true);
  CHECK(r.exit_code != 0);
  CHECK(r.exit_code != 124);  // timeout's: a hang
  CHECK_THAT(r.output, Catch::Contains("error (rank 1 of 2)"));
  CHECK_THAT(r.output, Catch::Contains("spice."));
}
