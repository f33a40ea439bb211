// DigipotClient against a test-only digipot bank (the stand-in is being written in parallel):
// many codes in one message, steps up and down, resistances.
#include <catch2/catch.hpp>

#include "drivers/client/digipot_client.hpp"
#include "tests/client/helpers.hpp"

using namespace client_test;
using namespace spiceloop::client;
using Catch::Matchers::WithinRel;

namespace {

struct DigipotRig {
  MiniDigipot dpot;
  spiceloop::server::InstrumentServer server{dpot.tree, dpot.status};
  std::string address() const { return visa(server.port()); }
};

}  // namespace

TEST_CASE("digipot client: different codes go out as one unit per code, each from the root", "[socket]") {
  DigipotRig rig;
  DigipotClient dpot(rig.address());
  CHECK(detail::units_per_value(dpot.scpi(), "DPOT:CODE", {1, 2, 3, 4, 5}, {"10", "20", "10", "200", "20"}) ==
        ":DPOT:CODE 10,(@1,3);:DPOT:CODE 20,(@2,5);:DPOT:CODE 200,(@4)");
  dpot.set_codes({1, 2, 3, 4, 5, 6, 7, 8}, {10, 20, 10, 200, 20, 256, 256, 256});
  CHECK(dpot.codes({1, 2, 3, 4, 5, 6, 7, 8}) == std::vector<int>{10, 20, 10, 200, 20, 256, 256, 256});
  std::lock_guard lock(rig.server.mutex());
  CHECK(rig.dpot.code[4] == 200);
}

TEST_CASE("digipot client: one code on a channel list, then read back in the order asked", "[socket]") {
  DigipotRig rig;
  DigipotClient dpot(rig.address());
  dpot.set_code({2, 3, 4}, 128);
  CHECK(dpot.codes({4, 1, 2}) == std::vector<int>{128, 0, 128});
}

TEST_CASE("digipot client: steps up and down, saturating at the ends", "[socket]") {
  DigipotRig rig;
  DigipotClient dpot(rig.address());
  dpot.set_code({1, 2, 3}, 100);
  dpot.step(2, +5);
  dpot.step({1, 3}, -3);
  dpot.step(1, 0);  // sends nothing
  CHECK(dpot.codes({1, 2, 3}) == std::vector<int>{97, 105, 97});
  dpot.step(3, -200);
  CHECK(dpot.codes({3}) == std::vector<int>{0});
}

TEST_CASE("digipot client: resistances follow the codes", "[socket]") {
  DigipotRig rig;
  DigipotClient dpot(rig.address());
  dpot.set_codes({1, 2}, {64, 0});
  const auto ohms = dpot.resistance_ohms({1, 2});
  REQUIRE(ohms.size() == 2);
  CHECK_THAT(ohms[0], WithinRel(MiniDigipot::ohms(64), 1e-15));
  CHECK_THAT(ohms[1], WithinRel(50.0, 1e-15));
}

TEST_CASE("digipot client: a code beyond the taps is refused with the instrument's code", "[socket]") {
  DigipotRig rig;
  DigipotClient dpot(rig.address());
  try {
    dpot.set_codes({1, 2}, {10, 300});
    FAIL("no error");
  } catch (const ClientError& e) {
    CHECK(e.kind() == ClientErrorKind::Instrument);
    CHECK(e.code() == -222);
    CHECK(e.command() == ":DPOT:CODE 10,(@1);:DPOT:CODE 300,(@2)");
  }
  CHECK(dpot.codes({1, 2}) == std::vector<int>{10, 0});  // the good unit of the message still ran
}
