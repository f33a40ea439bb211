// spiceloop device-curves: the bundled devices' conductance vs pulse number as CSV (every device
// and the bands over devices), reproducible by seed, and a clear error for a network without
// memristors or a pulse count beyond the maximum.
#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include "tests/common/files.hpp"
#include "tests/common/paths.hpp"
#include "tests/common/run_command.hpp"

using namespace spiceloop::test;
using Catch::Matchers::Contains;

namespace {

// The bands rows of one edge: pulse -> (direction, p05, p50, p95).
struct Band {
  std::string direction;
  double mean, p05, p50, p95;
};

std::map<std::string, std::map<int, Band>> read_bands(const std::string& text) {
  std::map<std::string, std::map<int, Band>> out;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  CHECK(line == "edge,model,pulse,direction,mean,sd,p05,p50,p95");
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string x; std::getline(fields, x, ',');) f.push_back(x);
    REQUIRE(f.size() == 9);
    out[f[0]][std::stoi(f[2])] = {f[3], std::stod(f[4]), std::stod(f[6]), std::stod(f[7]), std::stod(f[8])};
  }
  return out;
}

}  // namespace

TEST_CASE("spiceloop device-curves: each bundled model climbs for 100 pulses and falls for 100, with a band",
          "[cli][memristor]") {
  const ScratchDir dir("device_curves");
  const std::string out = (dir.dir / "a").string();
  const auto r = run_command(spiceloop_binary() + " device-curves --devices 40 --no-plot --out " + out);
  REQUIRE(r.exit_code == 0);
  const auto bands = read_bands(read_text(out + "/bands.csv"));
  REQUIRE(bands.size() == 3);
  for (const auto& [edge, rows] : bands) {
    INFO(edge);
    REQUIRE(rows.size() == 201);
    CHECK(rows.at(0).direction == "start");
    CHECK(rows.at(100).direction == "up");
    CHECK(rows.at(101).direction == "down");
    CHECK(rows.at(100).p50 > 2 * rows.at(0).p50);   // 100 pulses up move the median well up
    CHECK(rows.at(200).p50 < 0.7 * rows.at(100).p50);  // and 100 down bring it back down
    CHECK(rows.at(100).p95 > rows.at(100).p05);   // device-to-device spread and noise make a band
    for (const auto& [pulse, b] : rows) {
      CHECK(b.p05 <= b.p50);
      CHECK(b.p50 <= b.p95);
    }
  }
  // The same seed, the same curves; another seed, others.
  const std::string again = (dir.dir / "b").string(), other = (dir.dir / "c").string();
  REQUIRE(run_command(spiceloop_binary() + " device-curves --devices 40 --no-plot --out " + again).exit_code == 0);
  REQUIRE(run_command(spiceloop_binary() + " device-curves --devices 40 --no-plot --seed 2 --out " + other).exit_code == 0);
  CHECK(read_text(out + "/curves.csv") == read_text(again + "/curves.csv"));
  CHECK(read_text(out + "/curves.csv") != read_text(other + "/curves.csv"));
}

TEST_CASE("spiceloop device-curves: a network without memristors and too many pulses are clear errors",
          "[cli][memristor]") {
  const ScratchDir dir("device_curves_bad");
  const auto none = run_command(spiceloop_binary() + " device-curves " + bundled("divider.json") + " --no-plot --out " +
                                    (dir.dir / "x").string(),
                                true);
  CHECK(none.exit_code != 0);
  CHECK_THAT(none.output, Contains("cli.no_memristor"));
  const auto many = run_command(spiceloop_binary() + " device-curves --up 10001 --no-plot --out " +
                                    (dir.dir / "y").string(),
                                true);
  CHECK(many.exit_code != 0);
  CHECK_THAT(many.output, Contains("10000"));
}
