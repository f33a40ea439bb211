// Ports that serve a line protocol other than SCPI, named ports, and the pseudo-terminal port.
#include <catch2/catch.hpp>
#include <string>
#include <thread>

#include "drivers/server/server_group.hpp"
#include "tests/server/line_endpoint.hpp"
#include "tests/server/demo_instrument.hpp"

using namespace server_test;
using spiceloop::server::PortOptions;
using spiceloop::server::ServerGroup;

TEST_CASE("protocol port: a non-SCPI line protocol is served beside a SCPI instrument", "[socket]") {
  DemoInstrument demo;
  ServerGroup group;
  const auto scpi_port = group.add("source", demo.tree, demo.status);
  const auto line_port = group.add_protocol("digipots-line", echo_endpoints());
  group.start();
  Client a(group.port(scpi_port));
  Client b(group.port(line_port));
  CHECK(b.query("SET 1 42") == "ECHO SET 1 42");
  CHECK(b.query("*IDN?") == "ECHO *IDN?");  // not SCPI: the echo protocol answers it
  CHECK(a.query("*IDN?") == idn);
  // Each connection has its own framing: a line split across two clients is two lines.
  Client c(group.port(line_port));
  REQUIRE(b.send("HAL") == 3);
  CHECK(c.query("F") == "ECHO F");
  REQUIRE(b.send("F\r\n") == 3);
  CHECK(b.read_line() == "ECHO HALF");
}

TEST_CASE("protocol port: names are unique and found; unnamed instruments get instrument<i>", "[socket]") {
  DemoInstrument demo;
  ServerGroup group;
  group.add(demo.tree, demo.status);
  group.add_protocol("line", echo_endpoints());
  CHECK(group.name(0) == "instrument0");
  CHECK(group.find("line") == std::optional<std::size_t>(1));
  CHECK_FALSE(group.find("nothing").has_value());
  CHECK_THROWS_AS(group.add_protocol("line", echo_endpoints()), std::invalid_argument);
  CHECK(group.has_error_queue(0));
  CHECK_FALSE(group.has_error_queue(1));
}

TEST_CASE("protocol port: a port given its own number and host ignores the base numbering", "[socket]") {
  DemoInstrument demo;
  std::uint16_t free_port = 0;
  {
    ServerGroup probe;
    probe.add(demo.tree, demo.status);
    free_port = probe.port(0);
  }
  ServerGroup group;
  PortOptions options;
  options.host = "127.0.0.1";
  options.port = free_port;
  const auto control = group.add_protocol("control", echo_endpoints(), {}, options);
  group.start();
  CHECK(group.port(control) == free_port);
  Client c(free_port);
  CHECK(c.query("hello") == "ECHO hello");
}

TEST_CASE("pty port: a line written to the slave is answered, and the slave may be reopened", "[pty]") {
  ServerGroup group;
  const auto pty = group.add_pty("digipots-line", echo_endpoints());
  group.start();
  const std::string path = group.pty_path(pty);
  CHECK(path.rfind("/dev/pts/", 0) == 0);
  CHECK(group.port(pty) == 0);
  {
    PtyClient board(path);
    REQUIRE(board.send("SET 3 128\n"));
    CHECK(board.read_line() == "ECHO SET 3 128");
    REQUIRE(board.send("GET? 3\r\n"));  // a serial terminal program may send \r\n
    CHECK(board.read_line() == "ECHO GET? 3");
  }
  for (int round = 0; round < 3; ++round) {
    PtyClient board(path);
    REQUIRE(board.send("ALL?\n"));
    CHECK(board.read_line() == "ECHO ALL?");
  }
}

TEST_CASE("pty port: bytes in raw mode pass unchanged (no echo, no \\r\\n translation)", "[pty]") {
  ServerGroup group;
  const auto pty = group.add_pty("line", echo_endpoints());
  group.start();
  PtyClient board(group.pty_path(pty));
  REQUIRE(board.send("A\x03\x7f" "B\n"));  // ^C and DEL would be signals or erase in cooked mode
  CHECK(board.read_line() == "ECHO A\x03\x7f" "B");
  // An echoing terminal would give back the line itself first.
  REQUIRE(board.send("X\n"));
  CHECK(board.read_line() == "ECHO X");
  CHECK_FALSE(board.read_line(std::chrono::milliseconds(100)).has_value());
}

TEST_CASE("pty port: drop forgets a half-received line and keeps the terminal", "[pty]") {
  ServerGroup group;
  const auto pty = group.add_pty("line", echo_endpoints());
  group.start();
  PtyClient board(group.pty_path(pty));
  REQUIRE(board.send("HALF"));
  REQUIRE(board.send("\n"));
  CHECK(board.read_line() == "ECHO HALF");
  REQUIRE(board.send("STALE"));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let the endpoint take it in
  group.drop(pty);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE(board.send("NEW\n"));
  CHECK(board.read_line() == "ECHO NEW");
}
