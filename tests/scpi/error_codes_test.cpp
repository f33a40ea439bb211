// Every listed SCPI error code, produced by an input a client could send, with its exact
// SYST:ERR? reply; the choices of code follow SCPI-99 and are documented in drivers/scpi/README.md.
#include <catch2/catch.hpp>

#include "tests/scpi/demo_instrument.hpp"

using demo::DemoSource;

namespace {
struct Case {
  std::string input;
  std::string reply;
};
}  // namespace

TEST_CASE("error codes: each bad input queues its exact error and answers nothing") {
  const std::vector<Case> cases{
      {":", "-100,\"Command error\""},
      {"*", "-100,\"Command error\""},
      {std::string("VOLT 1\x01", 7), "-101,\"Invalid character\""},
      {std::string("\0", 1), "-101,\"Invalid character\""},
      {"VOLT 1 \xff", "-101,\"Invalid character\""},
      {"VOLT:", "-102,\"Syntax error\""},
      {"VOLT::LEV 1", "-102,\"Syntax error\""},
      {"VOLT 1,", "-102,\"Syntax error\""},
      {"123", "-102,\"Syntax error\""},
      {"VOLT 1 2", "-103,\"Invalid separator\""},
      {"VOLT 'one'", "-104,\"Data type error\""},
      {"SOUR:VOLT nan", "-104,\"Data type error\""},
      {"SOUR:VOLT inf", "-104,\"Data type error\""},
      {"VOLT 1,2", "-104,\"Data type error\""},
      {"*CLS 1", "-108,\"Parameter not allowed\""},
      {"VOLT 1,(@1),3", "-108,\"Parameter not allowed\""},
      {"VOLT", "-109,\"Missing parameter\""},
      {"*ESE", "-109,\"Missing parameter\""},
      {"VOLT,1", "-111,\"Header separator error\""},
      {"VOLTAGEPROTECTION 1", "-112,\"Program mnemonic too long\""},
      {"VOLTA 1", "-113,\"Undefined header\""},
      {"*IDN", "-113,\"Undefined header\""},
      {"OUTP7 ON", "-114,\"Header suffix out of range\""},
      {"VOLT 1.2.3", "-120,\"Numeric data error\""},
      {"VOLT 1e", "-120,\"Numeric data error\""},
      {"VOLT -", "-120,\"Numeric data error\""},
      {"COUN #HXYZ", "-120,\"Numeric data error\""},
      {"VOLT 1e40000", "-123,\"Exponent too large\""},
      {"VOLT 1 mA", "-131,\"Invalid suffix\""},
      {"VOLT 1 furlong", "-131,\"Invalid suffix\""},
      {"COUN 4 V", "-138,\"Suffix not allowed\""},
      {"OUTP 1V", "-138,\"Suffix not allowed\""},
      {"MODE FOO", "-141,\"Invalid character data\""},
      {"OUTP MAYBE", "-141,\"Invalid character data\""},
      {"CURR DEF", "-141,\"Invalid character data\""},
      {"DISP:TEXT \"unterminated", "-151,\"Invalid string data\""},
      {"DATA:UPL #3ab", "-161,\"Invalid block data\""},
      {"DATA:UPL #2x1", "-161,\"Invalid block data\""},
      {"DATA:UPL #x", "-161,\"Invalid block data\""},
      {"CHAN:LIST? (1+2)", "-171,\"Invalid expression\""},
      {"CHAN:LIST? (@1,)", "-171,\"Invalid expression\""},
      {"FAIL", "-200,\"Execution error\""},
      {"VOLT 5;VOLT:PROT 4", "-221,\"Settings conflict\""},
      {"SOUR:VOLT 1e999", "-222,\"Data out of range\""},
      {"VOLT 21", "-222,\"Data out of range\""},
      {"VOLT -1", "-222,\"Data out of range\""},
      {"*ESE 256", "-222,\"Data out of range\""},
      {"CHAN:LIST? (@1:100000)", "-222,\"Data out of range\""},
      {"OUTP 2", "-224,\"Illegal parameter value\""},
      {"FORM ASC,64", "-224,\"Illegal parameter value\""},
      {"FETC?", "-230,\"Data corrupt or stale\""},
      {"VOLT 1,(@5)", "-241,\"Hardware missing\""},
      {"MEAS:VOLT? (@1,9)", "-241,\"Hardware missing\""},
  };
  for (const auto& c : cases) {
    DemoSource d;
    INFO("input: " << c.input);
    CHECK(d.send(c.input) == "");
    CHECK(d.next_error() == c.reply);
    CHECK(d.next_error() == "+0,\"No error\"");
  }
}

TEST_CASE("error codes: *TRG without a trigger hook is -211") {
  spiceloop::scpi::Status status;
  spiceloop::scpi::CommandTree tree;
  spiceloop::scpi::add_common_commands(tree, status, {"a", "b", "c", "d"});
  spiceloop::scpi::Session s(tree, status);
  s.feed("*TRG\nSYST:ERR?\n");
  CHECK(s.take_output() == "-211,\"Trigger ignored\"\n");
}

TEST_CASE("error codes: a line over the limit is -363 and the next line still runs") {
  DemoSource d;
  d.session.feed(std::string(70 * 1024, 'A') + "\n*IDN?\n");
  CHECK(d.session.take_output() == "Spiceloop,DEMO-1,0001,0.1\n");
  CHECK(d.next_error() == "-363,\"Input buffer overrun\"");
}

TEST_CASE("error codes: answers left unread past the output limit are dropped with -410") {
  DemoSource d;
  spiceloop::scpi::Session small(d.tree, d.status, {.max_line_bytes = 1024, .max_output_bytes = 64});
  for (int i = 0; i < 4; ++i) small.feed("*IDN?\n");
  CHECK(small.pending_output_bytes() <= 64);
  CHECK(small.take_output() == "Spiceloop,DEMO-1,0001,0.1\nSpiceloop,DEMO-1,0001,0.1\n");
  CHECK(d.next_error() == "-410,\"Query INTERRUPTED\"");
}

TEST_CASE("error codes: the standard text of each listed code") {
  using spiceloop::scpi::standard_message;
  for (int code : {-100, -101, -102, -103, -104, -108, -109, -112, -113, -114, -120, -123, -131, -138, -141,
                   -151, -161, -200, -221, -222, -224, -230, -241, -350, -363, -410})
    CHECK_FALSE(standard_message(code).empty());
  CHECK(standard_message(-350) == "Queue overflow");
  CHECK(standard_message(-12345).empty());
}

TEST_CASE("error codes: a handler's detail follows the text after a semicolon") {
  spiceloop::scpi::ErrorQueue q;
  q.push(-222, "channel 3 \"max\"");
  CHECK(q.pop_formatted() == "-222,\"Data out of range;channel 3 \"\"max\"\"\"");
}
