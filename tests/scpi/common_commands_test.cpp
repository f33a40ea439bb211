// IEEE 488.2 common commands and the status registers.
#include <catch2/catch.hpp>

#include "tests/scpi/demo_instrument.hpp"

using demo::DemoSource;

TEST_CASE("common commands: *IDN? answers maker, model, serial and firmware") {
  DemoSource d;
  CHECK(d.send("*IDN?") == "Spiceloop,DEMO-1,0001,0.1\n");
  CHECK(d.send("*idn?") == "Spiceloop,DEMO-1,0001,0.1\n");
}

TEST_CASE("common commands: *RST calls the reset hook and keeps the error queue") {
  DemoSource d;
  CHECK(d.send("VOLT 3;OUTP ON;BOGUS;*RST;VOLT?;OUTP?") == "+0.00000000E+00;0\n");
  CHECK(d.resets == 1);
  CHECK(d.next_error() == "-113,\"Undefined header\"");
}

TEST_CASE("common commands: *CLS empties the error queue and the event register") {
  DemoSource d;
  CHECK(d.send("BOGUS;VOLT 99;*CLS;SYST:ERR:COUN?;*ESR?") == "+0;+0\n");
}

TEST_CASE("common commands: *ESR? reports each error class in its bit and clears on read") {
  DemoSource d;
  CHECK(d.send("BOGUS") == "");  // -113: CME, bit 5
  CHECK(d.send("*ESR?;*ESR?") == "+32;+0\n");
  CHECK(d.send("VOLT 99") == "");  // -222: EXE, bit 4
  CHECK(d.send("*ESR?") == "+16\n");
  d.status.report(-300);  // DDE, bit 3
  CHECK(d.send("*ESR?") == "+8\n");
  d.session.feed(std::string(70000, 'x') + "\n");  // -363 is a -3xx: DDE
  CHECK(d.send("*ESR?") == "+8\n");
  d.status.report(-410);  // QYE, bit 2
  CHECK(d.send("*ESR?") == "+4\n");
  CHECK(d.send("*OPC;*ESR?") == "+1\n");
}

TEST_CASE("common commands: *ESE, *SRE and *STB? summarise the registers") {
  DemoSource d;
  CHECK(d.send("*ESE 36;*ESE?;*SRE 32;*SRE?;*STB?") == "+36;+32;+0\n");
  CHECK(d.send("BOGUS") == "");
  // EAV (queue not empty) 4 + ESB (CME enabled) 32 + MSS (ESB enabled in SRE) 64
  CHECK(d.send("*STB?") == "+100\n");
  CHECK(d.send("*ESR?;SYST:ERR?;*STB?") == "+32;-113,\"Undefined header\";+0\n");
}

TEST_CASE("common commands: *OPC?, *WAI, *TST?, *TRG and the SYSTem queries") {
  DemoSource d;
  CHECK(d.send("*OPC?") == "1\n");
  CHECK(d.send("*WAI;*TRG;*TRG") == "");
  CHECK(d.triggers == 2);
  CHECK(d.send("*TST?") == "+0\n");
  CHECK(d.send("SYST:VERS?") == "1999.0\n");
  CHECK(d.send("SYSTEM:VERSION?;:SYST:ERR:NEXT?;COUN?") == "1999.0;+0,\"No error\";+0\n");
}

TEST_CASE("common commands: *OPC? waits for pending simulation work") {
  spiceloop::scpi::Status status;
  spiceloop::scpi::CommandTree tree;
  int pending = 3;
  spiceloop::scpi::add_common_commands(tree, status, {"a", "b", "c", "d"},
                                       {.wait_pending = [&] { pending = 0; }});
  spiceloop::scpi::Session s(tree, status);
  s.feed("*OPC?\n");
  CHECK(pending == 0);
  CHECK(s.take_output() == "1\n");
}

TEST_CASE("common commands: a message with a *RST unit is a reset message, whatever its case and spacing") {
  using spiceloop::scpi::is_reset_message;
  for (const char* yes : {"*RST", "*rst", " :*Rst ", "*RST\r", "*CLS;*RST", "*RST;*OPC?", "VOLT 1; *RST ;"})
    CHECK(is_reset_message(yes));
  for (const char* no : {"", "*RST?", "*RSTX", "RST", "*RS", "*CLS", "SYST:PRES", "VOLT *RST", "**RST"})
    CHECK_FALSE(is_reset_message(no));
}
