#include <catch2/catch.hpp>

#include "emulator/bench/bench.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "helpers.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;

namespace {

Bench lab16(Simulator& sim) { return Bench(load_bench_file(standins_test::bench_path("lab16.json")), sim); }

}  // namespace

TEST_CASE("bench: after power-on every source is at 0 V with its output off") {
  IdealSimulator sim;
  Bench bench = lab16(sim);
  for (int ch = 1; ch <= 4; ++ch) {
    CHECK(bench.source_volts(ch) == 0.0);
    CHECK_FALSE(bench.output(ch));
  }
  for (double v : bench.truth().node_volts) CHECK(v == 0.0);
}

TEST_CASE("bench: node voltages equal the ideal solve of the same drive") {
  IdealSimulator sim, reference;
  Bench bench = lab16(sim);
  const std::vector<double> volts{0.7, -0.4, 1.3, 0.2};
  for (int ch = 1; ch <= 4; ++ch) {
    bench.set_source_volts(ch, volts[ch - 1]);
    bench.set_output(ch, true);
  }
  reference.load(bench.network());
  const State expected = reference.solve(standins_test::free_drive(volts));
  for (int n = 0; n < bench.network().node_count(); ++n)
    CHECK_THAT(bench.measure_node_volts(n), WithinAbs(expected.node_volts[n], 1e-12));
  for (int ch = 1; ch <= 4; ++ch) CHECK_THAT(bench.source_current(ch), WithinAbs(expected.source_amps[ch - 1], 1e-15));
  CHECK_THAT(bench.measure_scanner_volts(110),
             WithinAbs(bench.measure_node_volts("n2") - bench.measure_node_volts("n8"), 1e-15));
}

TEST_CASE("bench: an output that is off holds its input at 0 V and keeps its setpoint") {
  IdealSimulator sim;
  Bench bench = lab16(sim);
  bench.set_source_volts(1, 1.5);
  bench.set_output(1, true);
  CHECK(bench.measure_node_volts("n1") == 1.5);
  bench.set_output(1, false);
  CHECK(bench.measure_node_volts("n1") == 0.0);
  CHECK(bench.source_volts(1) == 1.5);
}

TEST_CASE("bench: it re-solves only after a setting changed") {
  IdealSimulator sim;
  Bench bench = lab16(sim);
  bench.set_source_volts(2, 1.0);
  bench.set_output(2, true);
  bench.measure_node_volts("n2");
  bench.measure_node_volts("n3");
  bench.source_current(2);
  CHECK(bench.solve_count() == 1);
  bench.set_source_volts(2, 1.0);  // unchanged
  bench.set_source_volts(3, 2.0);  // output off: the circuit does not change
  bench.measure_node_volts("n2");
  CHECK(bench.solve_count() == 1);
  bench.set_source_volts(2, 0.5);
  bench.measure_node_volts("n2");
  CHECK(bench.solve_count() == 2);
}

TEST_CASE("bench: a digipot code changes the edge the simulator sees") {
  IdealSimulator sim;
  Bench bench(load_bench_file(standins_test::bench_path("lab16_digipot.json")), sim);
  for (int ch = 1; ch <= 4; ++ch) {
    bench.set_source_volts(ch, 0.5 * ch);
    bench.set_output(ch, true);
  }
  const std::vector<double> before = bench.truth().node_volts;
  const int code = bench.digipot_code(1);
  bench.set_digipot_code(1, code == 1 ? 100 : 1);
  CHECK(bench.digipot_code(1) == (code == 1 ? 100 : 1));
  CHECK(bench.truth().node_volts != before);
  CHECK_THROWS_AS(bench.set_digipot_code(4, 129), std::invalid_argument);
}

TEST_CASE("bench: a channel the bench lacks is a caller's mistake") {
  IdealSimulator sim;
  Bench bench = lab16(sim);
  CHECK_THROWS_AS(bench.set_source_volts(5, 1.0), std::out_of_range);
  CHECK_THROWS_AS(bench.measure_scanner_volts(120), std::out_of_range);
}
