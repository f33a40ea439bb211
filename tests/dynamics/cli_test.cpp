// `spiceloop transient` as a user runs it: the files it writes, and bad input refused with its id.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/common/files.hpp"
#include "tests/common/paths.hpp"
#include "tests/common/run_command.hpp"

using namespace spiceloop;
using Catch::Matchers::Contains;

TEST_CASE("transient command: the bundled lab16 machine writes its deck, trajectory and summary", "[dynamics]") {
  test::ScratchDir scratch("transient_cli");
  const auto r = test::run_command(test::spiceloop_binary() + " transient " + test::bundled("transient/lab16.json") +
                                       " --backend ideal --no-plot --out " + scratch.dir.string(),
                                   true);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Contains("simulated s per wall s"));
  const auto summary = test::read_json(scratch.dir / "summary.json");
  CHECK(summary.at("complete") == true);
  CHECK(summary.at("periods_done") == 40);
  CHECK(summary.at("backend") == "ideal");
  const std::string csv = test::read_text(scratch.dir / "trajectory.csv");
  CHECK(csv.rfind("time_s,period,sample,loss,Q,e0,", 0) == 0);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 42);  // header, t = 0, 40 periods
  CHECK_THAT(test::read_text(scratch.dir / "transient.cir"), Contains("wrdata transient.data v(g_e0)"));
}

TEST_CASE("transient command: a window longer than its period fails with its id and pointer", "[dynamics]") {
  test::ScratchDir scratch("transient_cli_bad");
  nlohmann::json doc = test::read_json(test::bundled("transient/lab16.json"));
  doc["network"] = test::bundled("lab16.json");
  doc["dynamics"]["window_seconds"] = 1e-3;
  test::write_json(scratch.dir / "exp.json", doc);
  const auto r = test::run_command(test::spiceloop_binary() + " transient " + (scratch.dir / "exp.json").string() +
                                       " --out " + (scratch.dir / "out").string(),
                                   true);
  CHECK(r.exit_code != 0);
  CHECK_THAT(r.output, Contains("[spiceloop.dynamics.window_too_long]"));
  CHECK_THAT(r.output, Contains("exp.json#/dynamics/window_seconds"));
  CHECK_FALSE(std::filesystem::exists(scratch.dir / "out" / "trajectory.csv"));
}
