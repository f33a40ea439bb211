// The sweep spread over 2 MPI ranks writes the same results file as one process, and a sweep
// stopped midway resumes without redoing finished points.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "emulator/study/ranks.hpp"
#include "tests/study/study_helpers.hpp"

namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path write_sweep(const std::string& name) {
  const fs::path file = fs::temp_directory_path() / (name + ".json");
  std::ofstream(file) << nlohmann::json{{"networks", {spiceloop::study::testing::random_network(5)}},
                                        {"rules", {"cl", "ep"}}, {"eta", {0.01, 0.1}}, {"beta", {1e-6, 1e-5}},
                                        {"alpha", {1e-9, 1e-8}}, {"alpha_ep", {1e-14}}, {"seeds", {1, 2}},
                                        {"run_steps", 20}}
                             .dump();
  return file;
}

int run(const std::string& cmd) { return std::system((cmd + " > /dev/null 2>&1").c_str()); }

const std::string kSpiceloop = std::string(SPICELOOP_BINARY_DIR) + "/spiceloop";
}  // namespace

TEST_CASE("mpi: a sweep killed midway resumes without redoing points and gives the same file", "[study]") {
  const fs::path sweep = write_sweep("spiceloop_study_resume");
  const fs::path one = spiceloop::study::testing::fresh_dir("resume_one");
  const fs::path two = spiceloop::study::testing::fresh_dir("resume_two");
  REQUIRE(run(kSpiceloop + " sweep " + sweep.string() + " --no-plot --out " + one.string()) == 0);
  REQUIRE(run(kSpiceloop + " sweep " + sweep.string() + " --no-plot --max-points 5 --out " + two.string()) == 0);
  CHECK_FALSE(fs::exists(two / "results.csv"));
  const auto stamp = fs::last_write_time(two / "points" / "0000000.csv");
  REQUIRE(run(kSpiceloop + " sweep " + sweep.string() + " --no-plot --out " + two.string()) == 0);
  CHECK(fs::last_write_time(two / "points" / "0000000.csv") == stamp);
  CHECK(slurp(one / "results.csv") == slurp(two / "results.csv"));
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
  const fs::path sweep = write_sweep("spiceloop_study_mpi");
  const fs::path one = spiceloop::study::testing::fresh_dir("mpi_one");
  const fs::path two = spiceloop::study::testing::fresh_dir("mpi_two");
  REQUIRE(run(kSpiceloop + " sweep " + sweep.string() + " --no-plot --out " + one.string()) == 0);
  REQUIRE(run("mpirun --allow-run-as-root --oversubscribe -n 2 " + kSpiceloop + " sweep " + sweep.string() +
              " --no-plot --out " + two.string()) == 0);
  REQUIRE(fs::exists(two / "results.csv"));
  CHECK(slurp(one / "results.csv") == slurp(two / "results.csv"));
}
