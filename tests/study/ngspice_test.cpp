// Circuit level: the same sweep on ngspice, with the tolerances as an axis. Measured: a linear
// network's .op is one LU factorisation without Newton iterations, so reltol / vntol / abstol do
// not move the result; the identity error is the rounding of the clamp difference (~eps / eta).
#include <catch2/catch.hpp>

#include "emulator/study/result_table.hpp"
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
