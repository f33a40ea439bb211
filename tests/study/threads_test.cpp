// Several threads per rank (SweepOptions::threads) write the same results file as one, and a
// stop after N points measures the first N points left, as one thread does.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "tests/common/files.hpp"
#include "tests/study/study_helpers.hpp"

namespace fs = std::filesystem;
using namespace spiceloop;
using namespace spiceloop::study;
using spiceloop::test::read_text;

TEST_CASE("threads: 3 threads write the same results.csv as 1, also when stopped and resumed", "[study]") {
  const test::ScratchDir scratch("sweep_threads");
  const SweepSpec spec = parse_sweep(nlohmann::json{{"networks", {testing::random_network(11)}},
                                                    {"rules", {"cl", "ep", "ep_centered"}}, {"eta", {0.01, 0.1}},
                                                    {"beta", {1e-6, 1e-5}}, {"alpha", {1e-9, 1e-8}},
                                                    {"alpha_ep", {1e-14}}, {"seeds", {1, 2}}, {"run_steps", 10}});
  const SweepOutcome one = run_sweep(spec, testing::quiet_options(scratch.dir / "one"));
  REQUIRE(one.complete);

  SweepOptions opt = testing::quiet_options(scratch.dir / "three");
  opt.threads = 3;
  opt.max_points = 5;
  const SweepOutcome part = run_sweep(spec, opt);
  CHECK_FALSE(part.complete);
  CHECK(part.measured == 5);
  // The first 5 points, whatever thread took which.
  std::vector<int> stored;
  for (const auto& e : fs::directory_iterator(opt.out_dir / "points")) {
    std::istringstream rows(read_text(e.path()));
    for (std::string row; std::getline(rows, row);) stored.push_back(std::stoi(row.substr(0, row.find(','))));
  }
  std::sort(stored.begin(), stored.end());
  CHECK(stored == std::vector<int>{0, 1, 2, 3, 4});
  opt.max_points = -1;
  const SweepOutcome rest = run_sweep(spec, opt);
  REQUIRE(rest.complete);
  CHECK(rest.resumed == 5);
  CHECK(read_text(rest.results) == read_text(one.results));
}
