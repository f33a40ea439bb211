// Program data: NRf, MIN/MAX/DEF, units and multipliers, booleans, character data, strings,
// channel lists and blocks, through the demo instrument.
#include <catch2/catch.hpp>

#include "tests/scpi/demo_instrument.hpp"

using demo::DemoSource;
using Catch::Matchers::WithinRel;

TEST_CASE("parameters: NRf numbers in every form") {
  DemoSource d;
  for (const auto& [text, volts] : std::vector<std::pair<std::string, double>>{
           {"1", 1}, {"+1.5", 1.5}, {".5", 0.5}, {"5.", 5}, {"1.25e1", 12.5}, {"125E-1", 12.5}, {"0", 0}, {"-0", 0}}) {
    CHECK(d.send("VOLT " + text) == "");
    CHECK_THAT(d.volts[1], WithinRel(volts, 1e-15));
  }
  CHECK(d.next_error() == "+0,\"No error\"");
}

TEST_CASE("parameters: non-decimal numbers #H #Q #B") {
  DemoSource d;
  CHECK(d.send("COUN #H1F;COUN?") == "+31\n");
  CHECK(d.send("COUN #Q17;COUN?") == "+15\n");
  CHECK(d.send("COUN #B101;COUN?") == "+5\n");
}

TEST_CASE("parameters: MIN, MAX and DEF resolve from the command's range") {
  DemoSource d;
  CHECK(d.send("VOLT MAX;VOLT?") == "+2.00000000E+01\n");
  CHECK(d.send("VOLT minimum;VOLT?") == "+0.00000000E+00\n");
  CHECK(d.send("VOLT 3;VOLT DEF;VOLT?") == "+0.00000000E+00\n");
  CHECK(d.send("VOLT? MAX") == "+2.00000000E+01\n");
  CHECK(d.send("COUN DEF;COUN?") == "+1\n");
  CHECK(d.send("COUN MAX;COUN?") == "+1000\n");
}

TEST_CASE("parameters: units with multipliers, M is milli except MOHM and MHZ") {
  DemoSource d;
  CHECK(d.send("VOLT 1500 mV;VOLT?") == "+1.50000000E+00\n");
  CHECK(d.send("VOLT 1500MV;VOLT?") == "+1.50000000E+00\n");
  CHECK(d.send("VOLT 2 V;VOLT?") == "+2.00000000E+00\n");
  CHECK(d.send("VOLT 2000000uV;VOLT?") == "+2.00000000E+00\n");
  CHECK(d.send("CURR 20 mA;CURR?") == "+2.00000000E-02\n");
  CHECK(d.send("RES 4.7 kOHM;RES?") == "+4.70000000E+03\n");
  CHECK(d.send("RES 2 MOHM;RES?") == "+2.00000000E+06\n");
  CHECK(d.send("RES 2 GOHM;RES?") == "+2.00000000E+09\n");
  CHECK(d.send("FREQ 1.5 MHZ;FREQ?") == "+1.50000000E+06\n");
  CHECK(d.send("FREQ 1.5 kHz;FREQ?") == "+1.50000000E+03\n");
  CHECK(d.send("FREQ 3 MAHZ;FREQ?") == "+3.00000000E+06\n");
  CHECK(d.next_error() == "+0,\"No error\"");
}

TEST_CASE("parameters: booleans are ON, OFF, 1 and 0") {
  DemoSource d;
  CHECK(d.send("OUTP ON;OUTP?;OUTP off;OUTP?;OUTP 1;OUTP?;OUTP 0;OUTP?") == "1;0;1;0\n");
  CHECK(d.send("OUTP 0.9;OUTP?") == "1\n");
  CHECK(d.next_error() == "+0,\"No error\"");
}

TEST_CASE("parameters: character data matches short or long form and answers the short form") {
  DemoSource d;
  CHECK(d.send("MODE list;MODE?") == "LIST\n");
  CHECK(d.send("MODE FIXED;MODE?") == "FIX\n");
  CHECK(d.send("MODE fix;MODE?") == "FIX\n");
  CHECK(d.send("FORM REAL,64;FORM?;FORM ASC;FORM?;FORM:BORD SWAP;BORD?") == "REAL,+64;ASC;SWAP\n");
}

TEST_CASE("parameters: quoted strings in either quote, doubled quotes escape, semicolons and hashes inside are data") {
  DemoSource d;
  CHECK(d.send("DISP:TEXT \"a;b #3\";TEXT?") == "\"a;b #3\"\n");
  CHECK(d.send("DISP:TEXT 'it''s';TEXT?") == "\"it's\"\n");
  CHECK(d.send("DISP:TEXT \"say \"\"hi\"\"\";TEXT?") == "\"say \"\"hi\"\"\"\n");
  CHECK(d.text == "say \"hi\"");
}

TEST_CASE("parameters: channel lists expand ranges and answer in the order asked") {
  DemoSource d;
  CHECK(d.send("CHAN:LIST? (@1,2,5:8)") == "1,2,5,6,7,8\n");
  CHECK(d.send("CHAN:LIST? (@3,1,8:5, 2)") == "3,1,8,7,6,5,2\n");
  CHECK(d.send("CHAN:LIST? ( @ 101:103 )") == "101,102,103\n");
  CHECK(d.send("VOLT 1,(@2,4);VOLT 2,(@3);OUTP2 ON;OUTP3 ON;OUTP4 ON;MEAS:VOLT? (@4,3,2,1)") ==
        "+1.00000000E+00,+2.00000000E+00,+1.00000000E+00,+0.00000000E+00\n");
}

TEST_CASE("parameters: definite and indefinite blocks carry arbitrary bytes") {
  DemoSource d;
  CHECK(d.send(std::string("DATA:UPL #15a;\n\0b;UPL?", 22)) == "+5\n");
  CHECK(d.upload == std::string("a;\n\0b", 5));
  CHECK(d.send("DATA:UPL #0xyz;UPL?") == "");  // the indefinite block runs to the end
  CHECK(d.upload == "xyz;UPL?");
  CHECK(d.send("DATA:UPL #3010abcdefghij;ECHO?") == "#210abcdefghij\n");
}
