// Renamed spellings: "bench" now means only the emulated lab table, so the benchmarks are
// `spiceloop perf` (and `sweep --perf`) and the HIL addresses file is `train --instruments`. Each
// old spelling fails with cli.renamed naming the new one, instead of silently meaning another thing.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/common/paths.hpp"
#include "tests/common/run_command.hpp"

using namespace spiceloop::test;
using Catch::Matchers::Contains;

namespace {

// Exit code 2 and the message naming the new spelling.
void check_refused(const std::string& args, const std::string& message) {
  const auto r = run_command(spiceloop_binary() + " " + args, true);
  INFO("spiceloop " << args << "\n" << r.output);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Contains("[spiceloop.cli.renamed]") && Contains(message));
}

}  // namespace

TEST_CASE("spiceloop: old spellings of renamed commands and options fail naming the new one", "[cli]") {
  const std::string sweep = bundled("sweeps/scaling.json");
  check_refused("bench solve --sizes 8", "`spiceloop bench` is now `spiceloop perf`");
  check_refused("bench", "`spiceloop bench` is now `spiceloop perf`");
  check_refused("sweep " + sweep + " --bench", "`spiceloop sweep --bench` is now `spiceloop sweep --perf`");
  check_refused("sweep " + sweep + " --bench-points 4",
                "`spiceloop sweep --bench-points` is now `spiceloop sweep --perf-points`");
  check_refused("train " + bundled("experiments/sign_rule.json") + " --backend hil --bench addrs.json",
                "`spiceloop train --bench` is now `spiceloop train --instruments`");

  // The old names are gone from the help; the new ones are there.
  const auto help = run_command(spiceloop_binary() + " --help");
  CHECK_THAT(help.output, Contains("\n  perf ") && !Contains("\n  bench "));
  CHECK_THAT(run_command(spiceloop_binary() + " sweep --help").output,
             Contains("--perf-points") && !Contains("--bench"));
  CHECK_THAT(run_command(spiceloop_binary() + " train --help").output,
             Contains("--instruments") && !Contains("--bench"));
}

TEST_CASE("spiceloop perf solve: prints medians and ratios under its new name", "[cli][ngspice]") {
  const auto r = run_command(spiceloop_binary() + " perf solve --sizes 2 --budget 0.01 --no-random --json");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const auto rows = nlohmann::json::parse(r.output);
  REQUIRE(rows.size() == 2);  // 2x2 without and with wires
  CHECK(rows[0]["case"] == "crossbar 2x2");
  CHECK(rows[1]["case"] == "crossbar 2x2 +wires");
  CHECK(rows[0]["ratio_ngspice_over_ideal"]["solve"].get<double>() > 0.0);
}
