// The digipot resistance-to-code law in network.cpp, which every model of the device shares.
#include <catch2/catch.hpp>

#include <limits>

#include "emulator/network/generators.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinRel;

TEST_CASE("digipot law: resistance is r_ab * code / taps + r_wiper") {
  const Edge e = digipot_edge("P", 1, 0, 128, 10000, 50, 64);
  CHECK_THAT(digipot_ohms(e, 0), WithinRel(50.0, 1e-15));
  CHECK_THAT(digipot_ohms(e, 64), WithinRel(5050.0, 1e-15));
  CHECK_THAT(digipot_ohms(e, 127), WithinRel(10000.0 * 127 / 128 + 50, 1e-15));
}

TEST_CASE("digipot law: a conductance maps to the nearest code, clamped to 0 .. taps-1") {
  const Edge e = digipot_edge("P", 1, 0, 128, 10000, 50, 64);
  for (int code : {0, 1, 63, 64, 127}) CHECK(digipot_nearest_code(e, digipot_siemens(e, code)) == code);
  CHECK(digipot_nearest_code(e, 1.0 / (50 + 10000.0 * 10.4 / 128)) == 10);
  CHECK(digipot_nearest_code(e, 1.0 / (50 + 10000.0 * 10.6 / 128)) == 11);
  CHECK(digipot_nearest_code(e, 1.0) == 0);      // below the wiper resistance
  CHECK(digipot_nearest_code(e, 1e-9) == 127);   // beyond the end
  CHECK(digipot_nearest_code(e, 0.0) == 127);    // an open request
}

TEST_CASE("digipot law: a NaN conductance request leaves the code where it is") {
  const Edge e = digipot_edge("P", 1, 0, 128, 10000, 50, 33);
  CHECK(digipot_nearest_code(e, std::numeric_limits<double>::quiet_NaN()) == 33);
}
