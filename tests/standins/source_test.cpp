#include <catch2/catch.hpp>

#include "emulator/solver/ideal_simulator.hpp"
#include "helpers.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using standins_test::numbers;

namespace {

// NR3 answers carry nine significant digits.
void check_close(double answered, double expected) {
  CHECK_THAT(answered, WithinRel(expected, 1e-8) || WithinAbs(expected, 1e-15));
}

}  // namespace

TEST_CASE("source: *IDN? answers four fields and SYST:CHAN? the bench's channel count") {
  IdealSimulator sim;
  standins_test::SourceRig rig(sim);
  CHECK(rig("*IDN?") == "spiceloop,N6700-emulated,SL-N6700-0001,0.1");
  CHECK(rig("SYST:CHAN?") == "+4");
  CHECK(rig("SYSTem:CHANnel:COUNt?") == "+4");
}

TEST_CASE("source: measured voltages and currents equal the ideal solve of the same circuit") {
  IdealSimulator sim, reference;
  standins_test::SourceRig rig(sim);
  CHECK(rig("VOLT 0.7,(@1);VOLT -400 mV,(@2);:SOUR:VOLT:LEV:IMM:AMPL 1.3,(@3);:VOLTAGE 0.2,(@4)") == "");
  CHECK(rig("OUTP ON,(@1:4)") == "");
  CHECK(rig("SYST:ERR?") == "+0,\"No error\"");

  reference.load(rig.bench.network());
  const State expected = reference.solve(standins_test::free_drive({0.7, -0.4, 1.3, 0.2}));
  const std::vector<double> volts = numbers(rig("MEAS:VOLT? (@1:4)"));
  const std::vector<double> amps = numbers(rig("MEAS:SCAL:CURR:DC? (@1:4)"));
  REQUIRE(volts.size() == 4);
  REQUIRE(amps.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    const auto node = static_cast<std::size_t>(rig.bench.network().inputs[i].node);
    check_close(volts[i], expected.node_volts[node]);
    check_close(amps[i], expected.source_amps[i]);
  }
  for (const char* node : {"n2", "n3", "n8"})
    CHECK_THAT(rig.bench.measure_node_volts(node),
               WithinAbs(expected.node_volts[*rig.bench.network().find_node(node)], 1e-12));
}

TEST_CASE("source: queries answer in the order of the channel list") {
  IdealSimulator sim;
  standins_test::SourceRig rig(sim);
  rig("VOLT 1,(@1);VOLT 2,(@2);VOLT 3,(@3);VOLT 4,(@4)");
  CHECK(rig("VOLT? (@3,1,4:2)") == "+3.00000000E+00,+1.00000000E+00,+4.00000000E+00,+3.00000000E+00,+2.00000000E+00");
  CHECK(rig("VOLT?") == "+1.00000000E+00");
  rig("OUTP ON,(@2,4)");
  CHECK(rig("OUTP? (@4,1,2)") == "1,0,1");
  CHECK(rig("MEAS:VOLT? (@4,2)") == "+4.00000000E+00,+2.00000000E+00");
}

TEST_CASE("source: an output switched off holds its input at 0 V") {
  IdealSimulator sim;
  standins_test::SourceRig rig(sim);
  rig("VOLT 1.5,(@1);OUTP ON,(@1)");
  CHECK(rig("MEAS:VOLT? (@1)") == "+1.50000000E+00");
  rig("OUTP OFF,(@1)");
  CHECK(rig("MEAS:VOLT? (@1)") == "+0.00000000E+00");
  CHECK(rig.bench.measure_node_volts("n1") == 0.0);
  CHECK(rig("VOLT? (@1)") == "+1.50000000E+00");
}

TEST_CASE("source: the current limit is stored per channel") {
  IdealSimulator sim;
  standins_test::SourceRig rig(sim);
  CHECK(rig("CURR? (@1)") == "+1.00000000E+00");
  rig("CURR 10 mA,(@2:3)");
  CHECK(rig("SOUR:CURR:LEV? (@1:3)") == "+1.00000000E+00,+1.00000000E-02,+1.00000000E-02");
  rig("CURR 2,(@1)");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range\"");
}

TEST_CASE("source: a value beyond +/-20 V is -222 and changes nothing") {
  IdealSimulator sim;
  standins_test::SourceRig rig(sim);
  rig("VOLT 1,(@1)");
  rig("VOLT 20.5,(@1)");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range\"");
  rig("VOLT -21,(@1)");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range\"");
  CHECK(rig("VOLT? (@1)") == "+1.00000000E+00");
  rig("VOLT MAX,(@1)");
  CHECK(rig("VOLT? (@1)") == "+2.00000000E+01");
}

TEST_CASE("source: a channel the bench lacks is -222 and the unit changes no channel") {
  IdealSimulator sim;
  standins_test::SourceRig rig(sim);
  rig("VOLT 3,(@1,5)");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range;channel 5 not installed (1..4)\"");
  CHECK(rig("VOLT? (@1)") == "+0.00000000E+00");
  CHECK(rig("MEAS:VOLT? (@0)") == "");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range;channel 0 not installed (1..4)\"");
  rig("OUTP ON,(@2:9)");
  CHECK(rig("SYST:ERR:COUN?") == "+1");
  CHECK(rig("OUTP? (@2)") == "0");
}

TEST_CASE("source: *RST sets every channel to 0 V, output off, full current limit") {
  IdealSimulator sim;
  standins_test::SourceRig rig(sim);
  rig("VOLT 2,(@1:4);CURR 0.1,(@1:4);OUTP ON,(@1:4)");
  rig("VOLT 25,(@1)");  // an error, which *RST keeps
  rig("*RST");
  CHECK(rig("VOLT? (@1:4)") == "+0.00000000E+00,+0.00000000E+00,+0.00000000E+00,+0.00000000E+00");
  CHECK(rig("OUTP? (@1:4)") == "0,0,0,0");
  CHECK(rig("CURR? (@4)") == "+1.00000000E+00");
  CHECK(rig("MEAS:VOLT? (@3)") == "+0.00000000E+00");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range\"");
}

TEST_CASE("source: two connections share one instrument state") {
  IdealSimulator sim;
  standins_test::SourceRig rig(sim);
  scpi::Session other(rig.source.tree(), rig.source.status());
  standins_test::ask(other, "VOLT 0.25,(@2);OUTP ON,(@2)");
  CHECK(rig("MEAS:VOLT? (@2)") == "+2.50000000E-01");
}
