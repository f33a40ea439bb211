// Header matching: short and long forms, nested optional nodes, numeric suffixes, relative paths.
#include <catch2/catch.hpp>

#include "drivers/scpi/pattern.hpp"
#include "tests/scpi/demo_instrument.hpp"

using demo::DemoSource;

TEST_CASE("pattern: nested optional nodes expand to every concrete header") {
  const auto p = spiceloop::scpi::parse_pattern("[SOURce:]VOLTage[:LEVel][:IMMediate][:AMPLitude]");
  CHECK(p.variants.size() == 16);
  CHECK_FALSE(p.query);
  const auto q = spiceloop::scpi::parse_pattern("MEASure[:SCALar[:VOLTage]]?");
  CHECK(q.variants.size() == 3);
  CHECK(q.query);
  CHECK_THROWS_AS(spiceloop::scpi::parse_pattern("VOLT[:LEV"), std::invalid_argument);
}

TEST_CASE("command tree: keywords match the short or the long form only, in any case") {
  DemoSource d;
  CHECK(d.send("VOLT 1;VOLTAGE?") == "+1.00000000E+00\n");
  CHECK(d.send("volt 2;voltage?;Volt?") == "+2.00000000E+00;+2.00000000E+00\n");
  CHECK(d.send("VOLTA 3") == "");
  CHECK(d.next_error() == "-113,\"Undefined header\"");
  CHECK(d.send("VOL 3") == "");
  CHECK(d.next_error() == "-113,\"Undefined header\"");
  CHECK(d.send("VOLT?") == "+2.00000000E+00\n");
}

TEST_CASE("command tree: every combination of the nested optional nodes reaches one command") {
  DemoSource d;
  for (const char* header : {"VOLT", "SOUR:VOLT", "SOURCE:VOLTAGE:LEVEL:IMMEDIATE:AMPLITUDE", "SOUR:VOLT:IMM",
                             "VOLT:LEV:AMPL", "source:volt:lev:imm", "VOLT:AMPL"}) {
    CHECK(d.send(std::string(header) + " 4.5;:" + header + "?") == "+4.50000000E+00\n");
  }
  CHECK(d.send("VOLT:AMPL:LEV 1") == "");  // out of order
  CHECK(d.next_error() == "-113,\"Undefined header\"");
}

TEST_CASE("command tree: a numeric suffix selects the channel, none means 1, out of range is -114") {
  DemoSource d;
  CHECK(d.send("OUTP2 ON;OUTP2?;OUTP?;OUTPUT1:STAT?") == "1;0;0\n");
  CHECK(d.send("OUTP ON;OUTP1?") == "1\n");
  CHECK(d.send("OUTP5 ON") == "");
  CHECK(d.next_error() == "-114,\"Header suffix out of range\"");
  CHECK(d.send("OUTP0?") == "");
  CHECK(d.next_error() == "-114,\"Header suffix out of range\"");
  CHECK(d.send("VOLT2 1") == "");  // VOLTage takes no suffix
  CHECK(d.next_error() == "-113,\"Undefined header\"");
}

TEST_CASE("relative paths: a unit continues from the parent of the previous unit's last keyword") {
  DemoSource d;
  CHECK(d.send("SOUR:VOLT 2;CURR 0.5;CURR?;VOLT?") == "+5.00000000E-01;+2.00000000E+00\n");
  CHECK(d.send("VOLT:PROT 10;LEV 3") == "");
  CHECK(d.next_error() == "+0,\"No error\"");
  CHECK(d.send("VOLT?") == "+3.00000000E+00\n");
  CHECK(d.send("DISP:TEXT 'a';TEXT?") == "\"a\"\n");
}

TEST_CASE("relative paths: a leading colon returns to the root") {
  DemoSource d;
  CHECK(d.send("SOUR:VOLT 2;:CURR 0.25;:CURR?") == "+2.50000000E-01\n");
  CHECK(d.send("SOUR:VOLT 2;OUTP ON") == "");  // SOUR:OUTP does not exist
  CHECK(d.next_error() == "-113,\"Undefined header\"");
}

TEST_CASE("relative paths: common commands leave the path alone, and :*CLS is accepted") {
  DemoSource d;
  CHECK(d.send("SOUR:VOLT 2;*CLS;CURR 0.5;*OPC?;CURR?") == "1;+5.00000000E-01\n");
  CHECK(d.send("BOGUS") == "");
  CHECK(d.send(":*CLS;SYST:ERR:COUN?") == "+0\n");
}

TEST_CASE("relative paths: a new message starts again at the root") {
  DemoSource d;
  CHECK(d.send("SOUR:VOLT 2") == "");
  CHECK(d.send("CURR 0.5;CURR?") == "+5.00000000E-01\n");
  CHECK(d.send("DISP:TEXT 'x'") == "");
  CHECK(d.send("TEXT?") == "");
  CHECK(d.next_error() == "-113,\"Undefined header\"");
}

TEST_CASE("messages: empty units and a trailing semicolon are fine") {
  DemoSource d;
  CHECK(d.send(";;VOLT 1;;VOLT?;") == "+1.00000000E+00\n");
  CHECK(d.send("") == "");
  CHECK(d.send("   ") == "");
  CHECK(d.next_error() == "+0,\"No error\"");
}

TEST_CASE("messages: commands answer nothing, several queries answer one line joined by semicolons") {
  DemoSource d;
  CHECK(d.send("VOLT 1;OUTP ON;CURR 0.1") == "");
  CHECK(d.send("*IDN?;VOLT?;OUTP?;CURR?;SYST:ERR?") ==
        "Spiceloop,DEMO-1,0001,0.1;+1.00000000E+00;1;+1.00000000E-01;+0,\"No error\"\n");
}

TEST_CASE("messages: an undefined header answers nothing while the other units still answer") {
  DemoSource d;
  CHECK(d.send("*IDN?;NOPE?;VOLT?") == "Spiceloop,DEMO-1,0001,0.1;+0.00000000E+00\n");
  CHECK(d.next_error() == "-113,\"Undefined header\"");
}
