// The sweep spread over 2 MPI ranks writes the same results file as one process, and a sweep
// stopped midway resumes without redoing finished points.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <string>

#include "emulator/study/ranks.hpp"
#include "tests/common/files.hpp"
#include "tests/common/paths.hpp"
#include "tests/common/run_command.hpp"
#include "tests/study/study_helpers.hpp"

namespace fs = std::filesystem;
using spiceloop::test::read_text;
using spiceloop::test::run_command;
using spiceloop::test::spiceloop_binary;

namespace {

fs::path write_sweep(const fs::path& dir) {
  const fs::path file = dir / "sweep.json";
  std::ofstream(file) << nlohmann::json{{"networks", {spiceloop::study::testing::random_network(5)}},
                                        {"rules", {"cl", "ep"}}, {"eta", {0.01, 0.1}}, {"beta", {1e-6, 1e-5}},
                                        {"alpha", {1e-9, 1e-8}}, {"alpha_ep", {1e-14}}, {"seeds", {1, 2}},
                                        {"run_steps", 20}}
                             .dump();
  return file;
}

// Exit code of a command whose output nobody reads.
int run(const std::string& cmd) { return run_command(cmd + " > /dev/null", true).exit_code; }

}  // namespace

TEST_CASE("mpi: a sweep killed midway resumes without redoing points and gives the same file", "[study]") {
  const spiceloop::test::ScratchDir scratch("study_resume");
  const fs::path sweep = write_sweep(scratch.dir), one = scratch.dir / "one", two = scratch.dir / "two";
  REQUIRE(run(spiceloop_binary() + " sweep " + sweep.string() + " --no-plot --out " + one.string()) == 0);
  REQUIRE(run(spiceloop_binary() + " sweep " + sweep.string() + " --no-plot --max-points 5 --out " + two.string()) == 0);
  CHECK_FALSE(fs::exists(two / "results.csv"));
  // The chunks of the first run (named after whichever point a thread finished first) stay as they were.
  const auto stamps = [&] {
    std::map<std::string, fs::file_time_type> out;
    for (const auto& e : fs::directory_iterator(two / "points")) out[e.path().filename().string()] = e.last_write_time();
    return out;
  };
  const auto before = stamps();
  REQUIRE_FALSE(before.empty());
  REQUIRE(run(spiceloop_binary() + " sweep " + sweep.string() + " --no-plot --out " + two.string()) == 0);
  const auto after = stamps();
  for (const auto& [name, stamp] : before) {
    INFO(name);
    REQUIRE(after.count(name) == 1);
    CHECK(after.at(name) == stamp);
  }
  CHECK(read_text(one / "results.csv") == read_text(two / "results.csv"));
}

TEST_CASE("mpi: 2 ranks write the same results file as 1 process", "[study][mpi]") {
  if (run("command -v mpirun") != 0) {
    WARN("mpirun not found: install openmpi-bin to run the 2-rank test; skipped");
    return;
  }
  if (!spiceloop::study::mpi_compiled()) {
    WARN("spiceloop was built without MPI (libopenmpi-dev missing at configure time); skipped");
    return;
  }
  const spiceloop::test::ScratchDir scratch("study_mpi");
  const fs::path sweep = write_sweep(scratch.dir), one = scratch.dir / "one", two = scratch.dir / "two";
  REQUIRE(run(spiceloop_binary() + " sweep " + sweep.string() + " --no-plot --out " + one.string()) == 0);
  REQUIRE(run("mpirun --allow-run-as-root --oversubscribe -n 2 " + spiceloop_binary() + " sweep " + sweep.string() +
              " --no-plot --out " + two.string()) == 0);
  REQUIRE(fs::exists(two / "results.csv"));
  CHECK(read_text(one / "results.csv") == read_text(two / "results.csv"));
}
