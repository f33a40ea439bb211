// The digipot board's pulses (emulator/bench/digipot_board.hpp): what a pulse does to a wiper, with
// and without the missed/double realism knobs, and the belief the board keeps against the truth.
#include <string>

#include <catch2/catch.hpp>

#include "emulator/bench/digipot_board.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "tests/common/paths.hpp"

using namespace spiceloop;

namespace {

double never() {
  FAIL("no draw expected with the knobs off");
  return 0.0;
}

}  // namespace

TEST_CASE("digipot board: a pulse moves the wiper one tap and the device saturates at its ends") {
  const Realism off;
  CHECK(pulsed_code(10, 5, 128, off, never) == 15);
  CHECK(pulsed_code(10, -5, 128, off, never) == 5);
  CHECK(pulsed_code(3, -1000, 128, off, never) == 0);
  CHECK(pulsed_code(120, 1000, 128, off, never) == 127);
  CHECK(pulsed_code(64, 0, 128, off, never) == 64);
}

TEST_CASE("digipot board: a missed pulse leaves the wiper, a double one moves it two taps") {
  Realism k;
  k.digipot_miss_probability = 0.25;
  k.digipot_double_probability = 0.25;
  int draws = 0;
  // Draws below 0.25 miss, in [0.25, 0.5) double, from 0.5 step once.
  const double u[] = {0.1, 0.3, 0.7, 0.3};
  CHECK(pulsed_code(10, 4, 128, k, [&] { return u[draws++]; }) == 15);
  CHECK(draws == 4);
  draws = 0;
  CHECK(pulsed_code(1, -4, 128, k, [&] { return u[draws++]; }) == 0);  // saturates on the way down
}

TEST_CASE("digipot board: with the knobs off the belief follows every pulse and every outside move") {
  IdealSimulator sim;
  Bench bench(load_bench_file(test::bench_file("lab16_digipot.json")), sim);
  DigipotBoard board(bench);
  REQUIRE(board.channels().size() == 16);
  board.set_code(1, 100);
  CHECK(board.code(1) == 100);
  CHECK(bench.digipot_code(1) == 100);
  board.step(1, 50);  // saturates at 127; the belief clips with it
  CHECK(board.code(1) == 127);
  CHECK(bench.digipot_code(1) == 127);
  bench.set_digipot_code(1, 20);  // another device moves the wiper
  CHECK(board.code(1) == 20);
  board.reset();
  CHECK(board.code(1) == 64);
  CHECK(bench.digipot_code(1) == 64);
  CHECK_THROWS_AS(board.code(17), std::out_of_range);
  CHECK_THROWS_AS(board.set_code(1, 128), std::invalid_argument);
}
