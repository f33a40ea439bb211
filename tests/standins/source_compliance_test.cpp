// The source's current limit (N6700 CV/CC crossover), enforced by the Bench: a channel over its
// limit delivers exactly sign(I) * limit at a regulated voltage, and every instrument on the bench
// measures that regulated circuit. References are an IdealSimulator solve at the regulated drive.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "emulator/spice/worker_path.hpp"
#include <nlohmann/json.hpp>

#include "drivers/standins/scanner/scanner.hpp"
#include "emulator/core/error.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/spice/ngspice_simulator.hpp"
#include "helpers.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using standins_test::numbers;

namespace {

const std::vector<double> kSetpoints{0.7, -0.4, 1.3, 0.2};

// All four lab16 channels ON at kSetpoints, limits at the default 1 A (all in CV).
void drive_all(standins_test::SourceRig& rig) {
  rig("VOLT 0.7,(@1);VOLT -0.4,(@2);VOLT 1.3,(@3);VOLT 0.2,(@4);:OUTP ON,(@1:4)");
  REQUIRE(rig("SYST:ERR?") == "+0,\"No error\"");
}

// The currents at the setpoints (every channel in CV).
std::vector<double> cv_amps(Bench& bench) {
  std::vector<double> amps;
  for (int ch = 1; ch <= 4; ++ch) {
    REQUIRE_FALSE(bench.source_in_compliance(ch));
    amps.push_back(bench.source_current(ch));
  }
  return amps;
}

// The first channel whose CV current has the given sign.
int channel_with_sign(const std::vector<double>& amps, double sign, int skip = 0) {
  for (int ch = 1; ch <= 4; ++ch)
    if (ch != skip && amps[ch - 1] * sign > 0) return ch;
  FAIL("no channel of lab16 delivers a current of that sign at these setpoints");
  return 0;
}

std::string limit_command(int ch, double amps) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "CURR %.17g,(@%d)", amps, ch);
  return buf;
}

// Every node equals an ideal solve at the regulated drive, and each CV channel sits at its setpoint.
void check_regulated_circuit(Bench& bench) {
  IdealSimulator reference;
  reference.load(bench.network());
  std::vector<double> inputs;
  for (int ch = 1; ch <= 4; ++ch) {
    inputs.push_back(bench.source_output_volts(ch));
    if (!bench.source_in_compliance(ch)) CHECK(bench.source_output_volts(ch) == kSetpoints[ch - 1]);
  }
  const State expected = reference.solve(standins_test::free_drive(inputs));
  for (int n = 0; n < bench.network().node_count(); ++n)
    CHECK_THAT(bench.measure_node_volts(n), WithinAbs(expected.node_volts[static_cast<std::size_t>(n)], 1e-12));
  for (int ch = 1; ch <= 4; ++ch)
    CHECK_THAT(bench.source_current(ch), WithinRel(expected.source_amps[static_cast<std::size_t>(ch - 1)], 1e-9));
}

}  // namespace

TEST_CASE("source compliance: the bench's limits are unlimited until a Source sets them") {
  IdealSimulator sim;
  Bench bench(load_bench_file(standins_test::bench_path("lab16.json")), sim);
  CHECK(bench.source_current_limit(1) == std::numeric_limits<double>::infinity());
  CHECK_THROWS_AS(bench.set_source_current_limit(1, -1e-3), std::invalid_argument);
  CHECK_THROWS_AS(bench.set_source_current_limit(1, std::nan("")), std::invalid_argument);
  CHECK_THROWS_AS(bench.set_source_current_limit(5, 1.0), std::out_of_range);

  standins::Source source(bench);
  for (int ch = 1; ch <= 4; ++ch) CHECK(bench.source_current_limit(ch) == 1.0);
}

TEST_CASE("source compliance: a channel over its limit delivers the limit below its setpoint") {
  IdealSimulator sim;
  standins_test::SourceRig rig(sim);
  drive_all(rig);
  CHECK(rig("STAT:OPER:COND? (@1:4)") == "+1,+1,+1,+1");
  const std::vector<double> amps = cv_amps(rig.bench);
  const int ch = channel_with_sign(amps, +1.0);
  const double limit = 0.5 * amps[ch - 1];

  const std::uint64_t before = rig.bench.solve_count();
  rig(limit_command(ch, limit));
  REQUIRE(rig("SYST:ERR?") == "+0,\"No error\"");
  CHECK_THAT(rig.bench.source_current(ch), WithinRel(limit, 1e-12));
  // A resistor network is affine: one Newton step (one probe solve, one solve) is exact.
  CHECK(rig.bench.solve_count() - before <= 4);
  CHECK(rig.bench.source_in_compliance(ch));

  const std::string c = std::to_string(ch);
  CHECK_THAT(numbers(rig("MEAS:CURR? (@" + c + ")"))[0], WithinRel(limit, 1e-8));
  const double volts = numbers(rig("MEAS:VOLT? (@" + c + ")"))[0];
  CHECK(volts < kSetpoints[static_cast<std::size_t>(ch - 1)]);
  CHECK_THAT(volts, WithinRel(rig.bench.source_output_volts(ch), 1e-8));
  CHECK(numbers(rig("VOLT? (@" + c + ")"))[0] == kSetpoints[static_cast<std::size_t>(ch - 1)]);
  CHECK(numbers(rig("CURR? (@" + c + ")"))[0] == Approx(limit).epsilon(1e-8));

  std::string bits;
  for (int k = 1; k <= 4; ++k) bits += std::string(k > 1 ? "," : "") + (k == ch ? "+2" : "+1");
  CHECK(rig("STATus:OPERation:CONDition? (@1:4)") == bits);
  check_regulated_circuit(rig.bench);
}

TEST_CASE("source compliance: a negative current is limited the same way, above the setpoint") {
  IdealSimulator sim;
  standins_test::SourceRig rig(sim);
  drive_all(rig);
  const std::vector<double> amps = cv_amps(rig.bench);
  const int ch = channel_with_sign(amps, -1.0);
  const double limit = 0.25 * std::abs(amps[ch - 1]);
  rig(limit_command(ch, limit));

  CHECK_THAT(rig.bench.source_current(ch), WithinRel(-limit, 1e-12));
  CHECK(rig.bench.source_output_volts(ch) > kSetpoints[static_cast<std::size_t>(ch - 1)]);
  CHECK(numbers(rig("MEAS:VOLT? (@" + std::to_string(ch) + ")"))[0] > kSetpoints[static_cast<std::size_t>(ch - 1)]);
  CHECK(numbers(rig("STAT:OPER:COND? (@" + std::to_string(ch) + ")"))[0] == 2);
  check_regulated_circuit(rig.bench);
}

TEST_CASE("source compliance: two channels in CC at once") {
  IdealSimulator sim;
  standins_test::SourceRig rig(sim);
  drive_all(rig);
  const std::vector<double> amps = cv_amps(rig.bench);
  const int a = channel_with_sign(amps, +1.0);
  const int b = channel_with_sign(amps, -1.0);
  const double la = 0.3 * std::abs(amps[a - 1]), lb = 0.4 * std::abs(amps[b - 1]);
  rig(limit_command(a, la));
  rig(limit_command(b, lb));

  CHECK(rig.bench.source_in_compliance(a));
  CHECK(rig.bench.source_in_compliance(b));
  CHECK_THAT(rig.bench.source_current(a), WithinRel(la, 1e-12));
  CHECK_THAT(rig.bench.source_current(b), WithinRel(-lb, 1e-12));
  CHECK(rig.bench.source_output_volts(a) < kSetpoints[static_cast<std::size_t>(a - 1)]);
  CHECK(rig.bench.source_output_volts(b) > kSetpoints[static_cast<std::size_t>(b - 1)]);
  const std::vector<double> bits = numbers(rig("STAT:OPER:COND? (@1:4)"));
  for (int ch = 1; ch <= 4; ++ch) CHECK(bits[static_cast<std::size_t>(ch - 1)] == (ch == a || ch == b ? 2 : 1));
  check_regulated_circuit(rig.bench);
}

TEST_CASE("source compliance: a channel whose CC voltage would pass its setpoint stays in CV") {
  // Every channel limited just under its CV current: the first ones into CC move the others'
  // currents, so some may end in CV again. Whatever the set, the result is consistent.
  IdealSimulator sim;
  standins_test::SourceRig rig(sim);
  drive_all(rig);
  const std::vector<double> amps = cv_amps(rig.bench);
  for (int ch = 1; ch <= 4; ++ch) rig(limit_command(ch, 0.9 * std::abs(amps[ch - 1])));
  for (int ch = 1; ch <= 4; ++ch) {
    const double limit = 0.9 * std::abs(amps[ch - 1]);
    const double i = rig.bench.source_current(ch), v = rig.bench.source_output_volts(ch);
    const double set = kSetpoints[static_cast<std::size_t>(ch - 1)];
    if (rig.bench.source_in_compliance(ch)) {
      CHECK_THAT(std::abs(i), WithinRel(limit, 1e-12));
      CHECK((i > 0 ? v < set : v > set));
    } else {
      CHECK(std::abs(i) <= limit * (1 + 1e-9));
      CHECK(v == set);
    }
  }
  check_regulated_circuit(rig.bench);
}

TEST_CASE("source compliance: raising the limit returns to CV with the setpoint exact") {
  IdealSimulator sim;
  standins_test::SourceRig rig(sim);
  drive_all(rig);
  const std::vector<double> amps = cv_amps(rig.bench);
  const int ch = channel_with_sign(amps, +1.0);
  const std::string c = std::to_string(ch);
  rig(limit_command(ch, 0.5 * amps[ch - 1]));
  REQUIRE(rig.bench.source_in_compliance(ch));

  rig("CURR 1,(@" + c + ")");
  CHECK_FALSE(rig.bench.source_in_compliance(ch));
  CHECK(rig.bench.source_output_volts(ch) == kSetpoints[static_cast<std::size_t>(ch - 1)]);
  CHECK(rig("MEAS:VOLT? (@" + c + ")") == rig("VOLT? (@" + c + ")"));
  CHECK(rig.bench.source_current(ch) == amps[ch - 1]);
  CHECK(rig("STAT:OPER:COND? (@" + c + ")") == "+1");

  // *RST restores the 1 A limits; an OFF channel reports OFF (bit 2) and is never in CC.
  rig(limit_command(ch, 0.5 * amps[ch - 1]));
  rig("*RST");
  CHECK(rig.bench.source_current_limit(ch) == 1.0);
  CHECK(rig("STAT:OPER:COND? (@1:4)") == "+4,+4,+4,+4");
  CHECK(rig("STAT:OPER:COND?") == "+4");
}

TEST_CASE("source compliance: a limit on an OFF channel changes nothing until it is switched on") {
  IdealSimulator sim;
  standins_test::SourceRig rig(sim);
  drive_all(rig);
  const std::vector<double> amps = cv_amps(rig.bench);
  const int ch = channel_with_sign(amps, +1.0);
  const std::string c = std::to_string(ch);
  rig("OUTP OFF,(@" + c + ")");
  rig.bench.truth();
  const std::uint64_t solves = rig.bench.solve_count();
  rig("CURR 1e-9,(@" + c + ")");
  rig.bench.truth();
  CHECK(rig.bench.solve_count() == solves);
  CHECK(rig.bench.source_output_volts(ch) == 0.0);
  rig("OUTP ON,(@" + c + ")");
  CHECK(rig.bench.source_in_compliance(ch));
  // 1 nA against mA-scale node currents: the solve's rounding alone is about 1e-11 of it.
  CHECK_THAT(rig.bench.source_current(ch), WithinRel(1e-9, 1e-10));
}

TEST_CASE("source compliance: the scanner on the same bench reads the regulated voltages") {
  IdealSimulator sim;
  standins_test::SourceRig rig(sim);
  standins::Scanner scanner(rig.bench);
  scpi::Session session(scanner.tree(), scanner.status());
  drive_all(rig);
  const std::vector<double> amps = cv_amps(rig.bench);
  const int ch = channel_with_sign(amps, +1.0);
  rig(limit_command(ch, 0.5 * amps[ch - 1]));

  IdealSimulator reference;
  reference.load(rig.bench.network());
  std::vector<double> inputs = kSetpoints;
  inputs[static_cast<std::size_t>(ch - 1)] = rig.bench.source_output_volts(ch);
  const State expected = reference.solve(standins_test::free_drive(inputs));
  const std::vector<double> volts = numbers(standins_test::ask(session, "MEAS:VOLT:DC? (@101:110)"));
  REQUIRE(volts.size() == 10);
  for (std::size_t i = 0; i < volts.size(); ++i) {
    const ScannerChannel* c = rig.bench.find_scanner_channel(101 + static_cast<int>(i));
    REQUIRE(c != nullptr);
    const double v = expected.node_volts[static_cast<std::size_t>(c->plus)] - expected.node_volts[static_cast<std::size_t>(c->minus)];
    CHECK_THAT(volts[i], WithinRel(v, 1e-8) || WithinAbs(v, 1e-15));
  }
  // The scanner sees the source's input node at the regulated voltage, not the setpoint.
  const ScannerChannel* in = rig.bench.find_scanner_channel(100 + (ch == 1 ? 1 : ch == 2 ? 4 : ch == 3 ? 7 : 9));
  REQUIRE(in != nullptr);
  CHECK(in->plus == rig.bench.source_node(ch));
  CHECK(volts[static_cast<std::size_t>(in->channel - 101)] < kSetpoints[static_cast<std::size_t>(ch - 1)]);
}

TEST_CASE("source compliance on ngspice: the CC channel delivers its limit", "[ngspice]") {
  REQUIRE(std::filesystem::exists(ngspice_worker_path()));
  NgspiceSimulator sim;
  IdealSimulator ideal;
  standins_test::SourceRig rig(sim), exact(ideal);
  drive_all(rig);
  drive_all(exact);
  const std::vector<double> amps = cv_amps(exact.bench);
  const int a = channel_with_sign(amps, +1.0);
  const int b = channel_with_sign(amps, -1.0);
  for (auto* r : {&rig, &exact}) {
    (*r)(limit_command(a, 0.5 * amps[a - 1]));
    (*r)(limit_command(b, 0.5 * std::abs(amps[b - 1])));
    REQUIRE((*r)("SYST:ERR?") == "+0,\"No error\"");
  }
  CHECK(rig("STAT:OPER:COND? (@" + std::to_string(a) + "," + std::to_string(b) + ")") == "+2,+2");
  CHECK_THAT(rig.bench.source_current(a), WithinRel(0.5 * amps[a - 1], 1e-9));
  CHECK_THAT(rig.bench.source_current(b), WithinRel(-0.5 * std::abs(amps[b - 1]), 1e-9));
  for (int ch = 1; ch <= 4; ++ch)
    CHECK_THAT(rig.bench.source_output_volts(ch), WithinRel(exact.bench.source_output_volts(ch), 1e-8));
  for (int n = 0; n < rig.bench.network().node_count(); ++n)
    CHECK_THAT(rig.bench.measure_node_volts(n), WithinAbs(exact.bench.measure_node_volts(n), 1e-9));
}

TEST_CASE("source compliance: a diode network converges to the limit too") {
  // diode_xor with a source channel on each input; the rail and one logic input limited at once.
  // First a hard rail limit, which starves x1 below its own limit (x1 ends in CV), then a mild one.
  const nlohmann::json doc = {{"spiceloop_bench", 1},
                              {"name", "diode_xor"},
                              {"network", "../diode_xor.json"},
                              {"source",
                               {{{"channel", 1}, {"node", "x1"}},
                                {{"channel", 2}, {"node", "nx1"}},
                                {{"channel", 3}, {"node", "x2"}},
                                {{"channel", 4}, {"node", "nx2"}},
                                {{"channel", 5}, {"node", "vdd"}}}}};
  IdealSimulator sim, reference;
  Bench bench(parse_bench(doc, "diode_xor bench", test::bundled("benches")), sim);
  const std::vector<double> setpoints{2.0, 0.0, 0.0, 2.0, 3.0};
  for (int ch = 1; ch <= 5; ++ch) {
    bench.set_source_volts(ch, setpoints[static_cast<std::size_t>(ch - 1)]);
    bench.set_output(ch, true);
  }
  const double rail = bench.source_current(5), x1 = bench.source_current(1);
  REQUIRE(rail > 0);
  REQUIRE(x1 < 0);  // x1 sinks what the AND diode passes
  bench.set_source_current_limit(5, 0.6 * rail);
  bench.set_source_current_limit(1, 0.5 * std::abs(x1));

  CHECK(bench.source_in_compliance(5));
  CHECK_THAT(bench.source_current(5), WithinRel(0.6 * rail, 1e-12));
  CHECK(bench.source_output_volts(5) < 3.0);
  for (int ch = 1; ch <= 4; ++ch) {
    const double i = bench.source_current(ch);
    if (bench.source_in_compliance(ch)) {
      CHECK(ch == 1);
      CHECK_THAT(i, WithinRel(-0.5 * std::abs(x1), 1e-12));
    } else {
      CHECK(bench.source_output_volts(ch) == setpoints[static_cast<std::size_t>(ch - 1)]);
    }
  }
  reference.load(bench.network());
  std::vector<double> inputs;
  for (int ch = 1; ch <= 5; ++ch) inputs.push_back(bench.source_output_volts(ch));
  const State expected = reference.solve(standins_test::free_drive(inputs));
  for (int n = 0; n < bench.network().node_count(); ++n)
    CHECK_THAT(bench.measure_node_volts(n), WithinAbs(expected.node_volts[static_cast<std::size_t>(n)], 1e-12));

  // A milder rail limit leaves x1 over its own: both in CC, x1 held above its 2 V setpoint.
  bench.set_source_current_limit(5, 0.97 * rail);
  bench.set_source_current_limit(1, 0.3 * std::abs(x1));
  CHECK(bench.source_in_compliance(5));
  CHECK(bench.source_in_compliance(1));
  CHECK_THAT(bench.source_current(5), WithinRel(0.97 * rail, 1e-12));
  CHECK_THAT(bench.source_current(1), WithinRel(-0.3 * std::abs(x1), 1e-12));
  CHECK(bench.source_output_volts(1) > 2.0);
  inputs.clear();
  for (int ch = 1; ch <= 5; ++ch) inputs.push_back(bench.source_output_volts(ch));
  const State both = reference.solve(standins_test::free_drive(inputs));
  for (int n = 0; n < bench.network().node_count(); ++n)
    CHECK_THAT(bench.measure_node_volts(n), WithinAbs(both.node_volts[static_cast<std::size_t>(n)], 1e-12));
}
