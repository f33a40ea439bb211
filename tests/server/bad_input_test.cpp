// Bad input on the socket: the connection stays open, the error is queued, memory stays bounded
// and the other clients keep being answered.
#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "drivers/server/instrument_server.hpp"
#include "tests/server/demo_instrument.hpp"

using namespace server_test;
using Catch::Matchers::StartsWith;
using spiceloop::server::InstrumentServer;

TEST_CASE("server: a 1 MB line without a newline gives -363 and the server answers others", "[socket]") {
  DemoInstrument demo;
  InstrumentServer server(demo.tree, demo.status);
  Client flooder(server.port());
  Client other(server.port());
  const std::string megabyte(1 << 20, 'A');
  REQUIRE(flooder.send(megabyte, 10000ms) == megabyte.size());
  CHECK(other.query("*IDN?") == idn);  // answered while the flooder's line is still open
  // The newline ends the discarded line; a query on that same line would be discarded with it.
  REQUIRE(flooder.send("\n") == 1);
  CHECK(flooder.query("SYST:ERR?") == "-363,\"Input buffer overrun\"");
  CHECK(flooder.query("SYST:ERR?") == "+0,\"No error\"");
  CHECK(other.query("*IDN?") == idn);
}

TEST_CASE("server: NUL and random bytes queue errors and keep the connection open", "[socket]") {
  DemoInstrument demo;
  InstrumentServer server(demo.tree, demo.status);
  Client c(server.port());
  std::string junk("VOLT\0 1\n", 8);
  std::mt19937 rng(42);
  for (int i = 0; i < 4096; ++i) {
    const char b = static_cast<char>(rng() & 0xff);
    junk += (b == '\n' || b == '#') ? 'x' : b;  // '#' would start a block that swallows what follows
  }
  junk += '\n';
  REQUIRE(c.send(junk) == junk.size());
  CHECK(c.query("*IDN?") == idn);
  const auto errors = drain_errors(c);
  REQUIRE_FALSE(errors.empty());
  CHECK_THAT(errors.front(), StartsWith("-101"));
  CHECK(c.query("*IDN?") == idn);
}

TEST_CASE("server: an HTTP request queues errors and keeps the connection open", "[socket]") {
  DemoInstrument demo;
  InstrumentServer server(demo.tree, demo.status);
  Client c(server.port());
  const std::string http = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: curl/8\r\n\r\n";
  REQUIRE(c.send(http) == http.size());
  CHECK(c.query("*IDN?") == idn);
  CHECK_FALSE(drain_errors(c).empty());
  CHECK(c.query("VOLT?") == "+0.00000000E+00");
}

TEST_CASE("server: an unknown header gives -113 and the connection stays open", "[socket]") {
  DemoInstrument demo;
  InstrumentServer server(demo.tree, demo.status);
  Client c(server.port());
  REQUIRE(c.send("FOO:BAR 1\n") > 0);
  CHECK_THAT(*c.query("SYST:ERR?"), StartsWith("-113,\"Undefined header"));
  CHECK(c.query("SYST:ERR?") == "+0,\"No error\"");
  CHECK(c.query("*IDN?") == idn);
}

TEST_CASE("server: 60 errors overflow the queue, which drains to +0", "[socket]") {
  DemoInstrument demo;
  InstrumentServer server(demo.tree, demo.status);
  Client c(server.port());
  std::string burst;
  for (int i = 0; i < 60; ++i) burst += "FOO\n";
  REQUIRE(c.send(burst) == burst.size());
  const auto errors = drain_errors(c);
  REQUIRE(errors.size() == 20);
  CHECK_THAT(errors.front(), StartsWith("-113"));
  CHECK(errors.back() == "-350,\"Queue overflow\"");
  CHECK(c.query("SYST:ERR?") == "+0,\"No error\"");
}

TEST_CASE("server: errors are shared by all connections of one instrument", "[socket]") {
  DemoInstrument demo;
  InstrumentServer server(demo.tree, demo.status);
  Client a(server.port());
  Client b(server.port());
  REQUIRE(a.send("VOLT 1e999\n") > 0);
  CHECK(a.query("*IDN?") == idn);  // the command above has run once this answers
  CHECK_THAT(*b.query("SYST:ERR?"), StartsWith("-222"));
}
