// The Keithley 2400-style SMU on lab16_smu.json (source channels on n1, n4, n7; the SMU on n9),
// driven through a scpi::Session as a socket would, measured against an ideal reference solve.
#include <cmath>
#include <cstring>
#include <filesystem>

#include <catch2/catch.hpp>

#include "emulator/spice/worker_path.hpp"

#include "drivers/standins/smu/smu.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/spice/ngspice_simulator.hpp"
#include "helpers.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using standins_test::numbers;

namespace {

// The SMU and the 3-channel source on one bench, one connection to each.
struct SmuRig {
  explicit SmuRig(Simulator& sim)
      : bench(load_bench_file(standins_test::bench_path("lab16_smu.json")), sim),
        source(bench),
        smu(bench),
        source_session(source.tree(), source.status()),
        session(smu.tree(), smu.status()) {
    reference.load(bench.network());
  }

  std::string operator()(std::string_view line) { return standins_test::ask(session, line); }
  std::string src(std::string_view line) { return standins_test::ask(source_session, line); }

  // The reference solve with the source channels as set here and the SMU input at smu_volts.
  State expected(double smu_volts) {
    std::vector<double> in;
    for (int ch = 1; ch <= 3; ++ch) in.push_back(bench.output(ch) ? bench.source_volts(ch) : 0.0);
    in.push_back(smu_volts);
    return reference.solve(standins_test::free_drive(in));
  }

  IdealSimulator reference;
  Bench bench;
  standins::Source source;
  standins::Smu smu;
  scpi::Session source_session;
  scpi::Session session;
};

constexpr std::size_t kSmuInput = 3;  // n9 is the fourth input of lab16

void check_close(double answered, double expected) {
  CHECK_THAT(answered, WithinRel(expected, 1e-8) || WithinAbs(expected, 1e-15));  // NR3: 9 digits
}

}  // namespace

TEST_CASE("smu: *IDN? answers Keithley's four fields so drivers that check the maker accept it") {
  IdealSimulator sim;
  SmuRig rig(sim);
  CHECK(rig("*IDN?") == "KEITHLEY INSTRUMENTS INC.,MODEL 2400,4105127,C33   Mar 31 2015 09:32:39/A02  /K/J");
}

TEST_CASE("smu: a bench without an SMU is refused at construction") {
  IdealSimulator sim;
  Bench bench(load_bench_file(standins_test::bench_path("lab16.json")), sim);
  CHECK_THROWS_AS(standins::Smu(bench), std::invalid_argument);
}

TEST_CASE("smu: sourcing a voltage reads the current of the reference solve") {
  IdealSimulator sim;
  SmuRig rig(sim);
  rig.src("VOLT 0.7,(@1);VOLT -0.4,(@2);VOLT 1.3,(@3);:OUTP ON,(@1:3)");
  CHECK(rig(":SOUR:FUNC VOLT;:SOUR:VOLT:LEV 0.5;:SENS:FUNC 'CURR';:SENS:CURR:PROT 0.01;:OUTP ON") == "");
  CHECK(rig(":FORM:ELEM VOLT,CURR") == "");
  const std::vector<double> r = numbers(rig(":READ?"));
  CHECK(rig(":SYST:ERR?") == "+0,\"No error\"");
  REQUIRE(r.size() == 2);
  const State expected = rig.expected(0.5);
  check_close(r[0], 0.5);
  check_close(r[1], expected.source_amps[kSmuInput]);
  CHECK_THAT(rig.bench.smu_current(), WithinRel(expected.source_amps[kSmuInput], 1e-12));
  CHECK(rig(":SENS:CURR:PROT:TRIP?") == "0");
  // Every instrument sees the SMU's node.
  CHECK_THAT(rig.bench.measure_node_volts("n2"),
             WithinAbs(expected.node_volts[*rig.bench.network().find_node("n2")], 1e-12));
}

TEST_CASE("smu: READ? answers voltage, current, 9.91E+37 ohms, a timestamp and the status word") {
  IdealSimulator sim;
  SmuRig rig(sim);
  rig(":SOUR:VOLT 1;:OUTP ON");
  const std::string answer = rig(":READ?");
  const std::vector<double> r = numbers(answer);
  REQUIRE(r.size() == 5);
  check_close(r[0], 1.0);
  check_close(r[1], rig.expected(1.0).source_amps[kSmuInput]);
  CHECK(answer.find(",+9.91000000E+37,") != std::string::npos);
  CHECK(r[3] >= 0.0);
  // V source (bit 14) + I measured (bit 12) + front terminals (bit 2).
  CHECK(answer.substr(answer.rfind(',') + 1) == "+2.04840000E+04");
  CHECK(rig(":FORM:ELEM?") == "VOLT,CURR,RES,TIME,STAT");

  rig(":SENS:FUNC:ON 'RES'");
  const std::vector<double> with_ohms = numbers(rig(":READ?"));
  CHECK_THAT(with_ohms[2], WithinRel(with_ohms[0] / with_ohms[1], 1e-8));  // of 9-digit answers
  CHECK(with_ohms[4] == 16384 + 4096 + 8192 + 4);
  CHECK(rig(":SENS:FUNC?") == "\"CURR:DC\",\"RES\"");
}

TEST_CASE("smu: elements answer in the 2400's fixed order, and TRIG:COUN repeats the reading") {
  IdealSimulator sim;
  SmuRig rig(sim);
  rig(":SOUR:VOLT 0.3;:OUTP ON;:FORM:ELEM STAT,CURR;:TRIG:COUN 3");
  CHECK(rig(":FORM:ELEM?") == "CURR,STAT");
  CHECK(rig(":TRIG:COUN?") == "+3");
  const std::vector<double> r = numbers(rig(":READ?"));
  REQUIRE(r.size() == 6);
  for (std::size_t i = 0; i < 6; i += 2) {
    check_close(r[i], rig.expected(0.3).source_amps[kSmuInput]);
    CHECK(r[i + 1] == 20484);
  }
  CHECK(rig(":FETC?") == rig(":FETC?"));
  rig(":ARM:COUN 1000");
  CHECK(rig(":SYST:ERR?") == "-221,\"Settings conflict;TRIG:COUN x ARM:COUN exceeds 2500 readings\"");
  CHECK(rig(":ARM:COUN?") == "+1");
}

TEST_CASE("smu: with the output off READ? is the 2400's +803 and the node is held at 0 V") {
  IdealSimulator sim;
  SmuRig rig(sim);
  rig(":SOUR:VOLT 2");
  CHECK(rig(":READ?") == "");
  CHECK(rig(":SYST:ERR?") == "+803,\"Not permitted with OUTPUT off\"");
  CHECK(rig(":FETC?") == "");
  CHECK(rig(":SYST:ERR?") == "-230,\"Data corrupt or stale;no readings; send INIT or READ?\"");
  CHECK(rig("OUTPUT?") == "0");
  CHECK(rig.bench.measure_node_volts("n9") == 0.0);
}

TEST_CASE("smu: auto output-off turns the output on for each reading only") {
  IdealSimulator sim;
  SmuRig rig(sim);
  rig(":SOUR:VOLT 0.8;:SOUR:CLE:AUTO ON;:FORM:ELEM CURR");
  check_close(numbers(rig(":READ?"))[0], rig.expected(0.8).source_amps[kSmuInput]);
  CHECK(rig(":OUTP?") == "0");
  CHECK(rig.bench.measure_node_volts("n9") == 0.0);
}

TEST_CASE("smu: MEAS:CURR? turns the output on and answers the selected elements") {
  IdealSimulator sim;
  SmuRig rig(sim);
  rig(":SOUR:VOLT -0.6");
  const std::vector<double> r = numbers(rig(":MEAS:CURR?"));
  REQUIRE(r.size() == 5);
  check_close(r[1], rig.expected(-0.6).source_amps[kSmuInput]);
  CHECK(rig(":OUTP?") == "1");
  rig(":FORM:ELEM VOLT");
  CHECK(rig(":MEAS:VOLT?") == "-6.00000000E-01");
  CHECK(rig(":SENS:FUNC?") == "\"VOLT:DC\",\"CURR:DC\"");
}

TEST_CASE("smu: in compliance the current equals the limit and the voltage drops below the setpoint") {
  IdealSimulator sim;
  SmuRig rig(sim);
  rig.src("VOLT 0.7,(@1);VOLT -0.4,(@2);VOLT 1.3,(@3);:OUTP ON,(@1:3)");
  const double setpoint = GENERATE(2.0, -2.0);
  const double unclamped = rig.expected(setpoint).source_amps[kSmuInput];
  const double limit = 1e-6;
  REQUIRE(std::abs(unclamped) > 2 * limit);

  rig(":SOUR:VOLT " + std::to_string(setpoint) + ";:SENS:CURR:PROT 1uA;:OUTP ON;:FORM:ELEM VOLT,CURR,STAT");
  CHECK(rig(":SYST:ERR?") == "+0,\"No error\"");
  const std::vector<double> r = numbers(rig(":READ?"));
  REQUIRE(r.size() == 3);
  const double volts = rig.bench.smu_volts();
  const double amps = rig.bench.smu_current();
  CHECK_THAT(amps, WithinRel(std::copysign(limit, unclamped), 1e-12));
  CHECK(std::abs(volts) < std::abs(setpoint));
  const State at_volts = rig.expected(volts);
  CHECK_THAT(at_volts.source_amps[kSmuInput], WithinRel(amps, 1e-12));
  check_close(r[0], volts);
  check_close(r[1], amps);
  CHECK(r[2] == 20484 + 8);  // the compliance bit
  CHECK(rig(":SENS:CURR:PROT:TRIP?") == "1");
  CHECK(rig(":SOUR:VOLT?") == scpi::nr3(setpoint));
  CHECK_THAT(rig.bench.measure_node_volts("n5"),
             WithinAbs(at_volts.node_volts[*rig.bench.network().find_node("n5")], 1e-12));

  // Raising the limit past the unclamped current gives the setpoint back.
  rig(":SENS:CURR:PROT 0.1");
  CHECK(rig(":SENS:CURR:PROT:TRIP?") == "0");
  CHECK(rig.bench.smu_volts() == setpoint);
}

TEST_CASE("smu: another instrument's change shows in the next SMU reading") {
  IdealSimulator sim;
  SmuRig rig(sim);
  rig(":SOUR:VOLT 0.2;:SENS:CURR:PROT 2uA;:OUTP ON;:FORM:ELEM CURR");
  rig.src("VOLT 1.5,(@3);OUTP ON,(@3)");
  const double amps = numbers(rig(":READ?"))[0];
  const double unclamped = rig.expected(0.2).source_amps[kSmuInput];
  if (std::abs(unclamped) > 2e-6)
    CHECK_THAT(std::abs(rig.bench.smu_current()), WithinRel(2e-6, 1e-12));
  else
    check_close(amps, unclamped);
  CHECK_THAT(rig.bench.smu_current(), WithinRel(rig.expected(rig.bench.smu_volts()).source_amps[kSmuInput], 1e-12));
}

TEST_CASE("smu: sourcing a current finds the voltage that gives it") {
  IdealSimulator sim;
  SmuRig rig(sim);
  rig.src("VOLT 0.7,(@1);VOLT -0.4,(@2);:OUTP ON,(@1:2)");
  CHECK(rig(":SOUR:FUNC CURR;:SOUR:CURR:LEV 5e-6;:SENS:VOLT:PROT 20;:SENS:FUNC 'VOLT';:OUTP ON") == "");
  CHECK(rig(":SOUR:FUNC?") == "CURR");
  const std::vector<double> r = numbers(rig(":READ?"));
  REQUIRE(r.size() == 5);
  CHECK_THAT(rig.bench.smu_current(), WithinRel(5e-6, 1e-12));
  const double volts = rig.bench.smu_volts();
  CHECK_THAT(rig.expected(volts).source_amps[kSmuInput], WithinRel(5e-6, 1e-12));
  check_close(r[0], volts);
  check_close(r[1], 5e-6);
  CHECK(r[4] == 32768 + 2048 + 4096 + 4);  // I source, V and I measured, front
  CHECK(rig(":SENS:VOLT:PROT:TRIP?") == "0");

  // Zero current: the SMU reads the open-circuit voltage of its node.
  rig(":SOUR:CURR 0");
  const double open = rig.bench.smu_volts();
  CHECK_THAT(rig.expected(open).source_amps[kSmuInput], WithinAbs(0.0, 1e-18));
}

TEST_CASE("smu: a current source held by its voltage compliance stops at the limit") {
  IdealSimulator sim;
  SmuRig rig(sim);
  rig(":SOUR:FUNC CURR;:SOUR:CURR -1e-3;:SENS:VOLT:PROT 0.25;:OUTP ON;:FORM:ELEM VOLT,CURR,STAT");
  const std::vector<double> r = numbers(rig(":READ?"));
  REQUIRE(r.size() == 3);
  CHECK(rig.bench.smu_volts() == -0.25);
  check_close(r[0], -0.25);
  check_close(r[1], rig.expected(-0.25).source_amps[kSmuInput]);
  CHECK(r[2] == 32768 + 4096 + 4 + 8);
  CHECK(rig(":SENS:VOLT:PROT:TRIP?") == "1");
  CHECK(rig(":SENS:CURR:PROT:TRIP?") == "0");
}

TEST_CASE("smu: out-of-range and unsupported settings are refused with exact errors") {
  IdealSimulator sim;
  SmuRig rig(sim);
  rig(":SOUR:VOLT 1");
  rig(":SOUR:VOLT 300");
  CHECK(rig(":SYST:ERR?") == "-222,\"Data out of range\"");
  CHECK(rig(":SOUR:VOLT?") == "+1.00000000E+00");
  rig(":SOUR:CURR 2");
  CHECK(rig(":SYST:ERR?") == "-222,\"Data out of range\"");
  rig(":SOUR:VOLT:MODE SWE");
  CHECK(rig(":SYST:ERR?") == "-221,\"Settings conflict;sweeps and lists are not emulated; use FIXed\"");
  CHECK(rig(":SOUR:VOLT:MODE?") == "FIX");
  rig(":SENS:FUNC 'FREQ'");
  CHECK(rig(":SYST:ERR?") == "-224,\"Illegal parameter value;unknown function; use VOLT[:DC], CURR[:DC] or RES\"");
  rig(":SENS:FUNC 'VOLT','FOO'");  // checked before any function changes
  CHECK(rig(":SYST:ERR?") == "-224,\"Illegal parameter value;unknown function; use VOLT[:DC], CURR[:DC] or RES\"");
  CHECK(rig(":SENS:FUNC?") == "\"CURR:DC\"");
  rig(":SOUR2:VOLT 1");
  CHECK(rig(":SYST:ERR?") == "-114,\"Header suffix out of range\"");
  rig(":SOUR:FUNC MEM");
  CHECK(rig(":SYST:ERR?") == "-141,\"Invalid character data\"");
  rig(":FORM:ELEM VOLT,FOO");
  CHECK(rig(":SYST:ERR?") == "-141,\"Invalid character data\"");
  CHECK(rig(":FORM:ELEM?") == "VOLT,CURR,RES,TIME,STAT");
  rig(":VOLT 1");  // SOURce is not optional on the 2400
  CHECK(rig(":SYST:ERR?") == "-113,\"Undefined header\"");
}

TEST_CASE("smu: ranges round up to the 2400's ranges and compliance keeps its magnitude") {
  IdealSimulator sim;
  SmuRig rig(sim);
  CHECK(rig(":SENS:CURR:PROT?") == "+1.05000000E-04");
  CHECK(rig(":SENS:VOLT:PROT?") == "+2.10000000E+01");
  rig(":SENS:CURR:PROT -2mA");
  CHECK(rig(":SENS:CURR:PROT?") == "+2.00000000E-03");
  rig(":SENS:CURR:RANG 3e-5;:SOUR:VOLT:RANG 1.5;:SENS:RES:RANG MIN");
  CHECK(rig(":SENS:CURR:RANG?;:SENS:CURR:RANG:AUTO?") == "+1.05000000E-04;0");
  CHECK(rig(":SOUR:VOLT:RANG?") == "+2.10000000E+00");
  CHECK(rig(":SENS:RES:RANG?") == "+2.10000000E+01");
  rig(":SENS:CURR:NPLC 0.1");
  CHECK(rig(":SENS:VOLT:NPLC?") == "+1.00000000E-01");  // one NPLC for every function, as on the 2400
}

TEST_CASE("smu: REAL,64 format answers readings in one block") {
  IdealSimulator sim;
  SmuRig rig(sim);
  rig(":SOUR:VOLT 0.4;:OUTP ON;:FORM:ELEM VOLT,CURR;:FORM REAL,64");
  const std::string block = rig(":READ?");
  REQUIRE(block.size() == 4 + 16);
  CHECK(block.substr(0, 4) == "#216");
  double volts = 0;
  unsigned char be[8];
  std::memcpy(be, block.data() + 4, 8);
  unsigned char le[8];
  for (int i = 0; i < 8; ++i) le[i] = be[7 - i];
  std::memcpy(&volts, le, 8);
  CHECK(volts == 0.4);
}

TEST_CASE("smu: *RST restores the 2400's reset state and leaves the source alone") {
  IdealSimulator sim;
  SmuRig rig(sim);
  rig.src("VOLT 0.9,(@1);OUTP ON,(@1)");
  rig(":SOUR:FUNC CURR;:SOUR:VOLT 3;:SENS:CURR:PROT 0.5;:FORM:ELEM CURR;:TRIG:COUN 4;:OUTP ON");
  rig(":SOUR:VOLT 999");  // an error, which *RST keeps
  rig("*RST");
  CHECK(rig(":SOUR:FUNC?;:SOUR:VOLT?;:SENS:CURR:PROT?;:OUTP?") == "VOLT;+0.00000000E+00;+1.05000000E-04;0");
  CHECK(rig(":FORM:ELEM?;:TRIG:COUN?;:SENS:FUNC?") == "VOLT,CURR,RES,TIME,STAT;+1;\"CURR:DC\"");
  CHECK(rig.bench.measure_node_volts("n9") == 0.0);
  CHECK(rig.src("MEAS:VOLT? (@1)") == "+9.00000000E-01");
  CHECK(rig(":SYST:ERR?") == "-222,\"Data out of range\"");
}

// The strings PyMeasure's Keithley2400 sends (apply_voltage, measure_current, enable_source,
// source_voltage, current, compliance_current, reset, shutdown), replayed unmodified.
TEST_CASE("smu: PyMeasure's Keithley2400 command strings source a voltage and read the current") {
  IdealSimulator sim;
  SmuRig rig(sim);
  rig("status:queue:clear;*RST;:stat:pres;:*CLS;");
  rig(":SOUR:FUNC VOLT");
  CHECK(rig(":SOUR:FUNC?") == "VOLT");
  rig(":SOUR:VOLT:RANG:AUTO 1");
  rig(":SENS:CURR:PROT 0.1");
  CHECK(rig(":system:error?") == "+0,\"No error\"");
  rig(":SENS:FUNC 'CURR';:SENS:CURR:NPLC 1.000000;:FORM:ELEM CURR;");
  rig(":SENS:CURR:RANG:AUTO 1;");
  CHECK(rig(":system:error?") == "+0,\"No error\"");
  rig("OUTPUT ON");
  CHECK(rig("OUTPUT?") == "1");
  rig(":SOUR:VOLT:LEV 0.75");
  CHECK(rig(":SOUR:VOLT?") == "+7.50000000E-01");
  check_close(numbers(rig(":READ?"))[0], rig.expected(0.75).source_amps[kSmuInput]);
  CHECK(rig(":SENS:CURR:PROT?") == "+1.00000000E-01");
  rig(":SENS:CURR:RANG:AUTO 0;:SENS:CURR:RANG 0.0001");
  CHECK(rig(":SENS:CURR:RANG?") == "+1.05000000E-04");
  rig(":SYST:BEEP 440, 0.1");
  rig(":ARM:SOUR IMM;:TRIG:SOUR IMM;");
  rig(":TRIG:COUN 1;:ARM:COUN 1");
  rig(":SENS:FUNC RES;:SENS:RES:MODE MAN;:SENS:RES:NPLC 1.000000;:FORM:ELEM RES;");
  const std::vector<double> ohms = numbers(rig(":READ?"));
  REQUIRE(ohms.size() == 1);
  CHECK_THAT(ohms[0], WithinRel(0.75 / rig.expected(0.75).source_amps[kSmuInput], 1e-8));
  CHECK(rig("status:queue?;") == "+0,\"No error\"");
  rig(":ABOR");
  rig("OUTPUT OFF");
  CHECK(rig(":system:error?") == "+0,\"No error\"");
  CHECK(rig.bench.measure_node_volts("n9") == 0.0);
}

// The same SMU on ngspice answers what the ideal solver computes, in and out of compliance.
// Needs the spiceloop-ngspice-worker target built.
TEST_CASE("smu on ngspice: current and compliance equal the ideal solve", "[ngspice]") {
  REQUIRE(std::filesystem::exists(ngspice_worker_path()));
  NgspiceSimulator sim;
  SmuRig rig(sim);
  rig.src("VOLT 0.7,(@1);VOLT -0.4,(@2);VOLT 1.3,(@3);:OUTP ON,(@1:3)");
  rig(":SOUR:VOLT 0.5;:OUTP ON;:FORM:ELEM VOLT,CURR");
  REQUIRE(rig(":SYST:ERR?") == "+0,\"No error\"");
  const std::vector<double> r = numbers(rig(":READ?"));
  REQUIRE(r.size() == 2);
  CHECK_THAT(r[0], WithinRel(0.5, 1e-8));
  CHECK_THAT(r[1], WithinRel(rig.expected(0.5).source_amps[kSmuInput], 1e-6));

  rig(":SENS:CURR:PROT 1uA;:SOUR:VOLT 2");
  const std::vector<double> c = numbers(rig(":READ?"));
  REQUIRE(c.size() == 2);
  CHECK(rig(":SENS:CURR:PROT:TRIP?") == "1");
  CHECK_THAT(c[1], WithinRel(1e-6, 1e-6));
  CHECK(c[0] < 2.0);
  CHECK_THAT(rig.expected(c[0]).source_amps[kSmuInput], WithinRel(1e-6, 1e-6));
}
