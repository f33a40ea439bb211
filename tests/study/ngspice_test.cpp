// Circuit level: the same sweep on ngspice, with the tolerances as an axis. Measured: a linear
// network's .op is one LU factorisation without Newton iterations, so reltol / vntol / abstol do
// not move the result; the identity error is the rounding of the clamp difference (~eps / eta).
#include <catch2/catch.hpp>

#include <fstream>

#include "emulator/study/result_table.hpp"
#include "tests/common/files.hpp"
#include "tests/common/paths.hpp"
#include "tests/common/run_command.hpp"
#include "tests/study/study_helpers.hpp"

using namespace spiceloop;
using namespace spiceloop::study;

TEST_CASE("ngspice: the identity holds at circuit level for loose and tight tolerances on a linear network", "[study][ngspice]") {
  const nlohmann::json doc = {{"networks", {testing::random_network(3, 6, 8)}}, {"rules", {"cl"}},
                              {"eta", {1e-3, 0.5}}, {"alpha", 1e-8}, {"backend", {"ngspice"}},
                              {"tolerances", {{{"reltol", 1e-3}, {"vntol_volts", 1e-6}, {"abstol_amps", 1e-12}},
                                              {{"reltol", 1e-9}, {"vntol_volts", 1e-12}, {"abstol_amps", 1e-15}}}}};
  const ResultTable t = ResultTable::load(testing::run(doc, "ngspice").results);
  REQUIRE(t.size() == 4);
  double loose_small = 0, tight_small = 0;
  for (std::size_t r = 0; r < t.size(); ++r)
    if (t.number(r, "nudge") == 1e-3) (t.number(r, "reltol") > 1e-6 ? loose_small : tight_small) = t.number(r, "nudge_rel_err");
  INFO("loose " << loose_small << " tight " << tight_small);
  CHECK(tight_small < 1e-6);
  CHECK(loose_small < 1e-6);
}

// `sweep --backend ngspice` used to write neither plots nor summaries: every fit and the plot
// script kept only ideal-backend rows. Now the reference rows are the tightest reltol's.
TEST_CASE("ngspice: a sweep run with --backend ngspice writes its plots and fits from its own rows", "[study][ngspice]") {
  const spiceloop::test::ScratchDir scratch("study_ngspice_only");
  const std::filesystem::path file = scratch.dir / "sweep.json", out = scratch.dir / "out";
  std::ofstream(file) << nlohmann::json{{"networks", {testing::random_network(4, 6, 9)}}, {"rules", {"cl"}},
                                        {"eta", {1e-3, 1e-2, 0.1, 1}}, {"alpha", {1e-9, 1e-7}}, {"run_steps", 5},
                                        {"tolerances", {{{"reltol", 1e-3}}, {{"reltol", 1e-9}}}}}
                             .dump();
  const auto r = spiceloop::test::run_command(spiceloop::test::spiceloop_binary() + " sweep " + file.string() +
                                                  " --backend ngspice --no-progress --out " + out.string(), true);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const auto summary = nlohmann::json::parse(spiceloop::test::read_text(out / "summary.json"));
  const auto& fits = summary.at("fits");
  CHECK(fits.at("reference").get<std::string>().rfind("ngspice reltol=1", 0) == 0);
  CHECK(fits.at("reference").get<std::string>().find("e-09") != std::string::npos);
  REQUIRE(fits.at("eta_slope").at("groups").get<int>() > 0);
  CHECK_THAT(fits.at("eta_slope").at("mean").get<double>(), Catch::Matchers::WithinAbs(1.0, 0.05));
  CHECK(fits.at("continuous_limit").size() == 8);  // 4 nudges x 2 alphas at the reference reltol
  for (const char* png : {"drift_vs_nudge.png", "drift_vs_alpha.png", "drift_signal.png"}) {
    INFO(png);
    CHECK(std::filesystem::file_size(out / png) > 1000);
  }
}
