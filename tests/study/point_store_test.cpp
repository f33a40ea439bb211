// Finished points reach disk in chunk files (emulator/study/point_store.hpp): a sweep stopped at
// any point resumes from them, run folders of the one-file-per-point layout still resume, and a
// chunk that is not spiceloop's is refused naming the file.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "emulator/core/error.hpp"
#include "emulator/study/sweep_spec.hpp"
#include "tests/common/files.hpp"
#include "tests/study/study_helpers.hpp"

namespace fs = std::filesystem;
using namespace spiceloop;
using namespace spiceloop::study;
using spiceloop::test::read_text;

namespace {

SweepSpec small_sweep() {
  return parse_sweep(nlohmann::json{{"networks", {testing::random_network(7)}}, {"rules", {"cl", "ep"}},
                                    {"eta", {0.01, 0.1}}, {"beta", {1e-6}}, {"alpha", {1e-9, 1e-8}},
                                    {"alpha_ep", {1e-14}}, {"seeds", {1, 2, 3}}, {"run_steps", 5}});
}

std::vector<std::string> chunk_files(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir / "points")) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("point store: a sweep written in chunks of 4 points, stopped twice, resumes to the same file", "[study]") {
  const test::ScratchDir scratch("store_chunks");
  const SweepSpec spec = small_sweep();
  // Chunks by count alone here: a loaded machine must not add a timed flush.
  SweepOptions whole_opt = testing::quiet_options(scratch.dir / "whole");
  whole_opt.flush_seconds = 1e9;
  const SweepOutcome whole = run_sweep(spec, whole_opt);
  REQUIRE(whole.complete);
  REQUIRE(whole.points == 15);
  CHECK(chunk_files(scratch.dir / "whole") == std::vector<std::string>{"chunk-0000000.csv"});

  SweepOptions opt = testing::quiet_options(scratch.dir / "parts");
  opt.flush_points = 4;
  opt.flush_seconds = 1e9;
  opt.max_points = 7;
  const SweepOutcome first = run_sweep(spec, opt);
  CHECK_FALSE(first.complete);
  CHECK(first.measured == 7);
  // 4 points, then the 3 that the stop flushed.
  CHECK(chunk_files(opt.out_dir) == std::vector<std::string>{"chunk-0000000.csv", "chunk-0000004.csv"});
  const SweepOutcome second = run_sweep(spec, opt);
  CHECK(second.resumed == 7);
  CHECK(second.measured == 7);
  opt.max_points = -1;
  const SweepOutcome last = run_sweep(spec, opt);
  REQUIRE(last.complete);
  CHECK(last.resumed == 14);
  CHECK(last.measured == 1);
  CHECK(read_text(last.results) == read_text(whole.results));
}

TEST_CASE("point store: a run folder of one file per point (before chunks) resumes without redoing them", "[study]") {
  const test::ScratchDir scratch("store_old_layout");
  const SweepSpec spec = small_sweep();
  const fs::path dir = scratch.dir / "run";
  SweepOptions opt = testing::quiet_options(dir);
  opt.flush_seconds = 1e9;  // one chunk
  const SweepOutcome whole = run_sweep(spec, opt);
  REQUIRE(whole.complete);
  // Rewrite the first 10 rows the old way, DIR/points/<index>.csv, and drop the chunk.
  std::istringstream rows(read_text(dir / "points" / "chunk-0000000.csv"));
  std::string row;
  for (int i = 0; i < 10 && std::getline(rows, row); ++i) std::ofstream(dir / "points" / fmt::format("{:07d}.csv", i)) << row << "\n";
  fs::remove(dir / "points" / "chunk-0000000.csv");
  // A point file that names another index is not that point's: it is redone, as before.
  std::ofstream(dir / "points" / "0000009.csv") << "3,not,this,point\n";
  // A kill during a flush leaves a half-written .tmp: ignored.
  std::ofstream(dir / "points" / "chunk-0000011.csv.tmp") << "11,torn";
  const std::string before = read_text(whole.results);
  fs::remove(whole.results);
  const SweepOutcome again = run_sweep(spec, testing::quiet_options(dir));
  REQUIRE(again.complete);
  CHECK(again.resumed == 9);
  CHECK(again.measured == 6);
  CHECK(read_text(again.results) == before);
}

TEST_CASE("point store: a chunk line that is not a results row is refused naming the file and line", "[study]") {
  const test::ScratchDir scratch("store_bad_chunk");
  const fs::path dir = scratch.dir / "run";
  SweepOptions opt = testing::quiet_options(dir);
  opt.max_points = 2;
  run_sweep(small_sweep(), opt);
  std::ofstream(dir / "points" / "chunk-0000005.csv") << "5,fine\nhello\n";
  try {
    run_sweep(small_sweep(), testing::quiet_options(dir));
    FAIL("a foreign chunk was accepted");
  } catch (const InputError& e) {
    CHECK(e.id() == "sweep.bad_points");
    CHECK_THAT(e.where(), Catch::Matchers::Contains("chunk-0000005.csv line 2"));
  }
}

TEST_CASE("point store: a chunk row whose index has a sign or a leading zero is refused (it is not what the sweep wrote)", "[study]") {
  for (const char* row : {"07,lab16\n", "-0,lab16\n", "+1,lab16\n"}) {
    const test::ScratchDir scratch("store_odd_index");
    const fs::path dir = scratch.dir / "run";
    SweepOptions opt = testing::quiet_options(dir);
    opt.max_points = 2;
    run_sweep(small_sweep(), opt);
    std::ofstream(dir / "points" / "chunk-0000007.csv") << row;
    CHECK_THROWS_AS(run_sweep(small_sweep(), testing::quiet_options(dir)), InputError);
  }
}
