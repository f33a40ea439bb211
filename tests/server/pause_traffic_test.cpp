// Group-wide pause and resume, and the traffic log every port writes into.
#include <catch2/catch.hpp>
#include <string>
#include <thread>

#include "drivers/server/server_group.hpp"
#include "drivers/server/traffic_log.hpp"
#include "tests/server/line_endpoint.hpp"
#include "tests/server/demo_instrument.hpp"

using namespace server_test;
using spiceloop::server::Direction;
using spiceloop::server::PortOptions;
using spiceloop::server::ServerGroup;
using spiceloop::server::TrafficLog;

TEST_CASE("pause: input waits while paused and runs after resume, nothing lost", "[socket][pause]") {
  DemoInstrument demo;
  ServerGroup group;
  const auto src = group.add("source", demo.tree, demo.status);
  PortOptions control;
  control.pausable = false;
  const auto back_door = group.add_protocol("control", echo_endpoints(), {}, control);
  group.start();
  Client c(group.port(src));
  Client ctl(group.port(back_door));
  REQUIRE(c.query("*IDN?") == idn);
  group.pause();
  CHECK(group.paused());
  std::string burst;
  for (int i = 0; i < 2000; ++i) burst += "VOLT " + std::to_string(i % 20) + ";VOLT?\n";  // more than one read
  REQUIRE(c.send(burst) == burst.size());
  CHECK_FALSE(c.read_line(200ms).has_value());
  CHECK(ctl.query("still here") == "ECHO still here");  // the control port is not paused
  {
    std::lock_guard lock(group.mutex(src));
    CHECK(demo.volts == 0);  // not one command ran
  }
  group.resume();
  for (int i = 0; i < 2000; ++i) {
    const auto line = c.read_line();
    REQUIRE(line.has_value());
    REQUIRE(*line == spiceloop::scpi::nr3(i % 20));
  }
  CHECK(c.query("SYST:ERR?") == "+0,\"No error\"");
}

TEST_CASE("pause: a pty port is paused too", "[pty][pause]") {
  ServerGroup group;
  const auto pty = group.add_pty("line", echo_endpoints());
  group.start();
  PtyClient board(group.pty_path(pty));
  group.pause();
  REQUIRE(board.send("WAIT\n"));
  CHECK_FALSE(board.read_line(150ms).has_value());
  group.resume();
  CHECK(board.read_line() == "ECHO WAIT");
}

TEST_CASE("traffic log: messages and answers with port, connection, direction and time", "[socket][traffic]") {
  DemoInstrument demo;
  ServerGroup group;
  const auto src = group.add("source", demo.tree, demo.status);
  const auto line = group.add_protocol("digipots-line", echo_endpoints());
  PortOptions quiet;
  quiet.logged = false;
  const auto control = group.add_protocol("control", echo_endpoints(), {}, quiet);
  group.start();
  const auto start = group.traffic().next_sequence();
  {
    Client a(group.port(src));
    Client b(group.port(line));
    Client ctl(group.port(control));
    REQUIRE(a.query("VOLT 2;VOLT?") == "+2.00000000E+00");
    REQUIRE(b.send("SE") == 2);  // a line split over two reads is one entry
    REQUIRE(b.query("T 1 5\r") == "ECHO SET 1 5");
    REQUIRE(ctl.query("not logged") == "ECHO not logged");
  }
  std::this_thread::sleep_for(50ms);  // the close events
  const auto page = group.traffic().since(start);
  CHECK(page.dropped == 0);
  std::vector<std::string> seen;
  for (const auto& e : page.entries) {
    CHECK(e.port != "control");
    if (e.direction == Direction::Event) continue;
    std::string entry = e.port;  // appended piecewise: GCC 12 warns (-Wrestrict) on a chain of +
    entry.append(" ").append(direction_name(e.direction)).append(" ").append(e.text);
    seen.push_back(entry);
  }
  const std::vector<std::string> expected{"source in VOLT 2;VOLT?", "source out +2.00000000E+00",
                                          "digipots-line in SET 1 5", "digipots-line out ECHO SET 1 5"};
  CHECK(seen == expected);
  REQUIRE(page.entries.size() >= 4);
  for (std::size_t i = 1; i < page.entries.size(); ++i) {
    CHECK(page.entries[i].sequence == page.entries[i - 1].sequence + 1);
    CHECK(page.entries[i].steady_us >= page.entries[i - 1].steady_us);
  }
  CHECK(page.entries.front().system_us > 1'600'000'000'000'000);  // microseconds since 1970, after 2020
  CHECK(page.next == page.entries.back().sequence + 1);
  // Connection ids tell the two clients apart.
  std::uint64_t source_conn = 0, line_conn = 0;
  for (const auto& e : page.entries) (e.port == "source" ? source_conn : line_conn) = e.connection;
  CHECK(source_conn != line_conn);
  CHECK(group.traffic().since(page.next).entries.empty());
}

TEST_CASE("traffic log: the ring keeps the newest entries and reports what a reader missed", "[traffic]") {
  TrafficLog log(5);
  for (int i = 0; i < 12; ++i) log.record("p", 1, Direction::In, std::string("m").append(std::to_string(i)));
  const auto page = log.since(0);
  REQUIRE(page.entries.size() == 5);
  CHECK(page.dropped == 7);
  CHECK(page.entries.front().text == "m7");
  CHECK(page.entries.front().sequence == 7);
  CHECK(page.next == 12);
  const auto some = log.since(9, 2);
  REQUIRE(some.entries.size() == 2);
  CHECK(some.entries[0].text == "m9");
  CHECK(some.next == 11);
  CHECK(some.dropped == 0);
  const std::string long_line(5000, 'x');
  log.record("p", 1, Direction::Out, long_line);
  const auto last = log.since(12);
  REQUIRE(last.entries.size() == 1);
  CHECK(last.entries[0].text.size() == TrafficLog::max_text_bytes);
  CHECK(last.entries[0].bytes == 5000);
}
