// Messages over a real loopback socket: framing, splits and pipelining.
#include <catch2/catch.hpp>
#include <string>

#include "drivers/server/instrument_server.hpp"
#include "tests/server/demo_instrument.hpp"

using namespace server_test;
using spiceloop::server::InstrumentServer;

TEST_CASE("server: *IDN? round trip on a free port of 127.0.0.1", "[socket]") {
  DemoInstrument demo;
  InstrumentServer server(demo.tree, demo.status);
  REQUIRE(server.port() != 0);
  CHECK(server.host() == "127.0.0.1");
  Client c(server.port());
  CHECK(c.query("*IDN?") == idn);
}

TEST_CASE("server: a \\r before the \\n is accepted", "[socket]") {
  DemoInstrument demo;
  InstrumentServer server(demo.tree, demo.status);
  Client c(server.port());
  REQUIRE(c.send("VOLT 2.5\r\nVOLT?\r\n") > 0);
  CHECK(c.read_line() == "+2.50000000E+00");
  CHECK(c.query("SYST:ERR?") == "+0,\"No error\"");
}

TEST_CASE("server: a command split one byte per write is answered once", "[socket]") {
  DemoInstrument demo;
  InstrumentServer server(demo.tree, demo.status);
  Client c(server.port());
  for (char ch : std::string("VOLT 1.5;VOLT?\n")) {
    REQUIRE(c.send(std::string(1, ch)) == 1);
  }
  CHECK(c.read_line() == "+1.50000000E+00");
  CHECK(c.query("*IDN?") == idn);
}

TEST_CASE("server: 100 commands pipelined in one write are answered in order", "[socket]") {
  DemoInstrument demo;
  InstrumentServer server(demo.tree, demo.status);
  Client c(server.port());
  std::string burst;
  for (int i = 0; i < 100; ++i) burst += "VOLT " + std::to_string(i % 20) + ";VOLT?\n";
  REQUIRE(c.send(burst) == burst.size());
  for (int i = 0; i < 100; ++i) {
    const auto line = c.read_line();
    REQUIRE(line.has_value());
    CHECK(*line == spiceloop::scpi::nr3(i % 20));
  }
  CHECK(c.query("SYST:ERR?") == "+0,\"No error\"");
}

TEST_CASE("server: a command with no query answers nothing", "[socket]") {
  DemoInstrument demo;
  InstrumentServer server(demo.tree, demo.status);
  Client c(server.port());
  REQUIRE(c.send("VOLT 3\n") > 0);
  CHECK_FALSE(c.read_line(100ms).has_value());
  CHECK(c.query("VOLT?") == "+3.00000000E+00");
}
