// The CV/CC regulator (emulator/bench/regulator.hpp) against circuits with an analytic answer: a
// source channel going into constant current at its limit, the SMU at its current and voltage
// compliance, both on one mechanism at once, and the errors when no CC voltage exists.
//
// Circuits (every resistor 1 kOhm unless said):
//   series   in --R1-- out --R2 (3 kOhm)-- gnd          I(V) = V / 4 kOhm, V(out) = 3/4 V(in)
//   star     a --R-- m, b --R-- m, m --R-- gnd          V(m) = (Va + Vb) / 3,
//                                                       Ia = (2 Va - Vb) / 3R, Ib = (2 Vb - Va) / 3R
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "emulator/bench/bench.hpp"
#include "emulator/bench/regulator.hpp"
#include "emulator/core/error.hpp"
#include "emulator/network/load.hpp"
#include "emulator/solver/ideal_simulator.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

constexpr double kOhms = 1e3;

nlohmann::json resistor(const char* name, const char* a, const char* b, double ohms = kOhms) {
  return {{"name", name}, {"a", a}, {"b", b}, {"kind", "resistor"}, {"ohms", ohms}};
}

Network series() {
  return parse_network({{"spiceloop", 1},
                        {"name", "series"},
                        {"ground", "gnd"},
                        {"nodes", {"gnd", "in", "out"}},
                        {"inputs", {{{"node", "in"}, {"volts", 0.0}}}},
                        {"outputs", {"out"}},
                        {"edges", {resistor("R1", "in", "out"), resistor("R2", "out", "gnd", 3 * kOhms)}}});
}

Network star() {
  return parse_network({{"spiceloop", 1},
                        {"name", "star"},
                        {"ground", "gnd"},
                        {"nodes", {"gnd", "a", "b", "m"}},
                        {"inputs", {{{"node", "a"}, {"volts", 0.0}}, {{"node", "b"}, {"volts", 0.0}}}},
                        {"outputs", {"m"}},
                        {"edges", {resistor("Ra", "a", "m"), resistor("Rb", "b", "m"), resistor("Rm", "m", "gnd")}}});
}

// A bench of `net` with source channel 1 on input 0 and, if asked, the SMU on input 1.
BenchConfig bench_of(Network net, bool smu) {
  BenchConfig c;
  c.name = net.name;
  c.network = std::move(net);
  c.source.push_back({.channel = 1, .input = 0});
  if (smu) c.smu = SmuChannel{.input = 1};
  return c;
}

Drive free_drive(std::size_t inputs) {
  Drive d;
  d.phase = Phase::Free;
  d.input_volts.assign(inputs, 0.0);
  return d;
}

RegulatedOutput supply(std::size_t input, double setpoint, double limit) {
  RegulatedOutput o;
  o.input = input;
  o.setpoint_volts = setpoint;
  o.min_amps = -limit;
  o.max_amps = limit;
  o.name = "output " + std::to_string(input);
  return o;
}

}  // namespace

TEST_CASE("regulator: a supply over its limit delivers the limit at V = I R, below its setpoint") {
  IdealSimulator sim;
  sim.load(series());
  const double limit = GENERATE(0.25e-3, 0.1e-3);
  const RegulatedOutput out = supply(0, 2.0, limit);  // CV would draw 0.5 mA
  int solves = 0;
  const Regulated r = regulate(free_drive(1), std::span(&out, 1), [&](const Drive& d) {
    ++solves;
    return sim.solve(d);
  });
  REQUIRE(r.modes.size() == 1);
  CHECK(r.modes[0] == Regulation::CCHigh);
  CHECK_THAT(r.drive.input_volts[0], WithinRel(limit * 4 * kOhms, 1e-12));
  CHECK_THAT(r.state.source_amps[0], WithinRel(limit, 1e-12));
  CHECK_THAT(r.state.node_volts[2], WithinRel(0.75 * limit * 4 * kOhms, 1e-12));
  // A resistor network is affine: the setpoint solve, then a probe and a Newton step, twice at most
  // (the finite-difference slope carries rounding, and the limit is met to 1e-13).
  CHECK(solves <= 5);
}

TEST_CASE("regulator: a negative current over the limit holds -limit above the setpoint") {
  IdealSimulator sim;
  sim.load(series());
  const RegulatedOutput out = supply(0, -2.0, 0.25e-3);
  const Regulated r = regulate(free_drive(1), std::span(&out, 1), [&](const Drive& d) { return sim.solve(d); });
  CHECK(r.modes[0] == Regulation::CCLow);
  CHECK_THAT(r.drive.input_volts[0], WithinRel(-1.0, 1e-12));
  CHECK_THAT(r.state.source_amps[0], WithinRel(-0.25e-3, 1e-12));
}

TEST_CASE("regulator: within its limit, or exactly at it, a supply stays at its setpoint") {
  IdealSimulator sim;
  sim.load(series());
  for (double limit : {1e-3, 0.5e-3, std::numeric_limits<double>::infinity()}) {
    const RegulatedOutput out = supply(0, 2.0, limit);
    int solves = 0;
    const Regulated r = regulate(free_drive(1), std::span(&out, 1), [&](const Drive& d) {
      ++solves;
      return sim.solve(d);
    });
    CHECK(r.modes[0] == Regulation::CV);
    CHECK(r.drive.input_volts[0] == 2.0);
    CHECK(solves == 1);
  }
}

TEST_CASE("regulator: a channel in CC leaves the other at its setpoint, at the analytic voltage") {
  IdealSimulator sim;
  sim.load(star());
  // Vb = 1 V in CV; a limited to 0.2 mA from a 2 V setpoint (CV: 1 mA): Va = (3 R Ia + Vb) / 2.
  const std::vector<RegulatedOutput> outs{supply(0, 2.0, 0.2e-3), supply(1, 1.0, 1.0)};
  const Regulated r = regulate(free_drive(2), outs, [&](const Drive& d) { return sim.solve(d); });
  CHECK(r.modes == std::vector<Regulation>{Regulation::CCHigh, Regulation::CV});
  CHECK_THAT(r.drive.input_volts[0], WithinRel(0.8, 1e-12));
  CHECK(r.drive.input_volts[1] == 1.0);
  CHECK_THAT(r.state.source_amps[0], WithinRel(0.2e-3, 1e-12));
  CHECK_THAT(r.state.node_volts[3], WithinRel(0.6, 1e-12));
}

TEST_CASE("regulator: a current source is a one-point window, held at its voltage range when it cannot reach it") {
  IdealSimulator sim;
  sim.load(series());
  RegulatedOutput source;
  source.min_amps = source.max_amps = 0.1e-3;
  source.min_volts = -0.3;
  source.max_volts = 0.3;
  source.holds_at_window = true;
  source.name = "current source";
  // 0.1 mA needs 0.4 V, beyond the 0.3 V range: held there, delivering 0.3 V / 4 kOhm.
  Regulated r = regulate(free_drive(1), std::span(&source, 1), [&](const Drive& d) { return sim.solve(d); });
  CHECK(r.modes[0] == Regulation::HeldHigh);
  CHECK(r.drive.input_volts[0] == 0.3);
  CHECK_THAT(r.state.source_amps[0], WithinRel(0.3 / (4 * kOhms), 1e-12));

  source.min_volts = -1.0;
  source.max_volts = 1.0;
  r = regulate(free_drive(1), std::span(&source, 1), [&](const Drive& d) { return sim.solve(d); });
  CHECK(r.modes[0] == Regulation::CCLow);
  CHECK_THAT(r.drive.input_volts[0], WithinRel(0.4, 1e-12));
  CHECK_THAT(r.state.source_amps[0], WithinRel(0.1e-3, 1e-12));
}

TEST_CASE("regulator: an output that may not be held has no CC voltage beyond its range, an error") {
  IdealSimulator sim;
  sim.load(series());
  RegulatedOutput out = supply(0, 0.2, 1.0);
  out.min_amps = 0.1e-3;  // needs 0.4 V
  out.max_volts = 0.3;
  try {
    regulate(free_drive(1), std::span(&out, 1), [&](const Drive& d) { return sim.solve(d); });
    FAIL("no error");
  } catch (const SimulationError& e) {
    CHECK(e.id() == "bench.compliance_not_converged");
    CHECK(std::string(e.what()).find("output 0") != std::string::npos);
  }
}

TEST_CASE("bench: a source channel goes CC at its limit and back to CV when the limit rises") {
  IdealSimulator sim;
  Bench bench(bench_of(series(), false), sim);
  bench.set_source_volts(1, 2.0);
  bench.set_output(1, true);
  bench.set_source_current_limit(1, 0.25e-3);
  CHECK(bench.source_in_compliance(1));
  CHECK_THAT(bench.source_output_volts(1), WithinRel(1.0, 1e-12));
  CHECK_THAT(bench.source_current(1), WithinRel(0.25e-3, 1e-12));
  CHECK_THAT(bench.measure_node_volts("out"), WithinRel(0.75, 1e-12));
  CHECK(bench.source_volts(1) == 2.0);

  bench.set_source_current_limit(1, 0.5e-3);  // exactly the CV current
  CHECK_FALSE(bench.source_in_compliance(1));
  CHECK(bench.source_output_volts(1) == 2.0);
}

TEST_CASE("bench: the SMU at its current compliance holds the limit at V = I R") {
  IdealSimulator sim;
  Bench bench(bench_of(star(), true), sim);
  SmuSource smu;
  smu.volts = 2.0;
  smu.compliance_amps = 0.1e-3;
  bench.set_smu_source(smu);
  bench.set_smu_output(true);
  // Source channel 1 OFF holds a at 0 V: Ib = (2 Vb - 0) / 3R.
  CHECK(bench.smu_in_compliance());
  CHECK_THAT(bench.smu_current(), WithinRel(0.1e-3, 1e-12));
  CHECK_THAT(bench.smu_volts(), WithinRel(0.15, 1e-12));

  smu.compliance_amps = 1.0;
  bench.set_smu_source(smu);
  CHECK_FALSE(bench.smu_in_compliance());
  CHECK(bench.smu_volts() == 2.0);
}

TEST_CASE("bench: the SMU sourcing a current finds V = 3R I / 2, or stops at its voltage compliance") {
  IdealSimulator sim;
  Bench bench(bench_of(star(), true), sim);
  SmuSource smu;
  smu.function = SmuSource::Function::Amps;
  smu.amps = -0.2e-3;
  smu.compliance_volts = 1.0;
  bench.set_smu_source(smu);
  bench.set_smu_output(true);
  CHECK_FALSE(bench.smu_in_compliance());
  CHECK_THAT(bench.smu_volts(), WithinRel(-0.3, 1e-12));
  CHECK_THAT(bench.smu_current(), WithinRel(-0.2e-3, 1e-12));

  smu.compliance_volts = 0.25;
  bench.set_smu_source(smu);
  CHECK(bench.smu_in_compliance());
  CHECK(bench.smu_volts() == -0.25);
  CHECK_THAT(bench.smu_current(), WithinRel(-0.25 * 2 / (3 * kOhms), 1e-12));
}

TEST_CASE("bench: a source channel and the SMU in CC at once regulate on one mechanism") {
  // Ia = 0.2 mA, Ib = 0.1 mA: Va = R (2 Ia + Ib) = 0.5 V, Vb = R (2 Ib + Ia) = 0.4 V.
  IdealSimulator sim;
  Bench bench(bench_of(star(), true), sim);
  bench.set_source_volts(1, 2.0);
  bench.set_source_current_limit(1, 0.2e-3);
  bench.set_output(1, true);
  SmuSource smu;
  smu.volts = 2.0;
  smu.compliance_amps = 0.1e-3;
  bench.set_smu_source(smu);
  bench.set_smu_output(true);
  CHECK(bench.source_in_compliance(1));
  CHECK(bench.smu_in_compliance());
  CHECK_THAT(bench.source_output_volts(1), WithinRel(0.5, 1e-12));
  CHECK_THAT(bench.smu_volts(), WithinRel(0.4, 1e-12));
  CHECK_THAT(bench.source_current(1), WithinRel(0.2e-3, 1e-12));
  CHECK_THAT(bench.smu_current(), WithinRel(0.1e-3, 1e-12));
  CHECK_THAT(bench.measure_node_volts("m"), WithinRel(0.3, 1e-12));

  // The SMU follows another instrument's change at once: channel 1 OFF (a at 0 V) moves Vb.
  bench.set_output(1, false);
  CHECK_THAT(bench.smu_volts(), WithinRel(0.15, 1e-12));
}
