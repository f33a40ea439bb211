// Faults injected into one port while it serves: delay, silence, drop, error, garbage, clear.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "drivers/server/server_group.hpp"
#include "tests/server/line_endpoint.hpp"
#include "tests/server/demo_instrument.hpp"

using namespace server_test;
using Catch::Matchers::StartsWith;
using spiceloop::server::ServerGroup;

namespace {
struct TwoInstruments {
  DemoInstrument a, b;
  ServerGroup group;
  std::size_t source = group.add("source", a.tree, a.status);
  std::size_t scanner = group.add("scanner", b.tree, b.status);
  TwoInstruments() { group.start(); }
};
}  // namespace

TEST_CASE("faults: a delay holds each answer that long, on that port only", "[socket][faults]") {
  TwoInstruments rig;
  Client scanner(rig.group.port(rig.scanner));
  Client source(rig.group.port(rig.source));
  rig.group.faults(rig.scanner).set_delay(std::chrono::milliseconds(1000));
  auto t0 = std::chrono::steady_clock::now();
  CHECK(scanner.query("*IDN?") == idn);
  CHECK(std::chrono::steady_clock::now() - t0 >= 1000ms);
  t0 = std::chrono::steady_clock::now();
  CHECK(source.query("*IDN?") == idn);
  CHECK(std::chrono::steady_clock::now() - t0 < 900ms  /* well under the delay, even on a loaded machine */);
  // Pipelined queries keep their order behind the delay.
  REQUIRE(scanner.send("VOLT 1;VOLT?\nVOLT 2;VOLT?\n") > 0);
  CHECK(scanner.read_line() == "+1.00000000E+00");
  CHECK(scanner.read_line() == "+2.00000000E+00");
  rig.group.faults(rig.scanner).clear();
  t0 = std::chrono::steady_clock::now();
  CHECK(scanner.query("*IDN?") == idn);
  CHECK(std::chrono::steady_clock::now() - t0 < 900ms  /* well under the delay, even on a loaded machine */);
}

TEST_CASE("faults: silence swallows answers but commands still run", "[socket][faults]") {
  TwoInstruments rig;
  Client c(rig.group.port(rig.source));
  rig.group.faults(rig.source).set_silence(true);
  REQUIRE(c.send("VOLT 7;VOLT?\n") > 0);
  CHECK_FALSE(c.read_line(200ms).has_value());
  rig.group.faults(rig.source).clear();
  CHECK(c.query("VOLT?") == "+7.00000000E+00");
}

TEST_CASE("faults: drop closes that port's connections and the port accepts new ones", "[socket][faults]") {
  TwoInstruments rig;
  Client a(rig.group.port(rig.scanner));
  Client b(rig.group.port(rig.scanner));
  Client other(rig.group.port(rig.source));
  REQUIRE(a.query("*IDN?") == idn);
  REQUIRE(b.query("*IDN?") == idn);
  REQUIRE(other.query("*IDN?") == idn);
  rig.group.drop(rig.scanner);
  CHECK(a.closed_by_peer(2000ms));
  CHECK(b.closed_by_peer(2000ms));
  CHECK(other.query("*IDN?") == idn);
  Client again(rig.group.port(rig.scanner));
  CHECK(again.query("*IDN?") == idn);
}

TEST_CASE("faults: error queues the given code in that instrument only", "[socket][faults]") {
  TwoInstruments rig;
  rig.group.inject_error(rig.scanner, -222, "injected");
  Client scanner(rig.group.port(rig.scanner));
  Client source(rig.group.port(rig.source));
  CHECK(scanner.query("SYST:ERR?") == "-222,\"Data out of range;injected\"");
  CHECK(scanner.query("SYST:ERR?") == "+0,\"No error\"");
  CHECK(source.query("SYST:ERR?") == "+0,\"No error\"");
  rig.group.inject_error(rig.source, -410);
  CHECK_THAT(*source.query("*ESR?"), StartsWith("+4"));  // -4xx sets QYE (bit 2)
  ServerGroup plain;
  const auto line = plain.add_protocol("line", echo_endpoints());
  CHECK_THROWS_AS(plain.inject_error(line, -222), std::invalid_argument);
}

TEST_CASE("faults: garbage sends the seeded bytes once, before the next answer", "[socket][faults]") {
  TwoInstruments rig;
  Client c(rig.group.port(rig.source));
  rig.group.faults(rig.source).arm_garbage(16, 7);
  const std::string expected = spiceloop::server::garbage_bytes(16, 7);
  CHECK(expected == spiceloop::server::garbage_bytes(16, 7));
  CHECK(expected != spiceloop::server::garbage_bytes(16, 8));
  REQUIRE(c.send("*IDN?\n") > 0);
  // The garbage may hold '\n': read lines until the answer's bytes are all in.
  std::string got;
  while (got.size() < expected.size() + idn.size()) {
    const auto line = c.read_line();
    REQUIRE(line.has_value());
    got += *line + "\n";
  }
  CHECK(got == expected + idn + "\n");
  CHECK(c.query("*IDN?") == idn);  // once only
}

TEST_CASE("faults: the realism latency adds to the delay and survives clear", "[socket][faults]") {
  TwoInstruments rig;
  Client c(rig.group.port(rig.source));
  rig.group.faults(rig.source).set_latency(std::chrono::milliseconds(50));
  rig.group.faults(rig.source).set_delay(std::chrono::milliseconds(1500));
  auto t0 = std::chrono::steady_clock::now();
  CHECK(c.query("*IDN?") == idn);
  CHECK(std::chrono::steady_clock::now() - t0 >= 1550ms);
  rig.group.faults(rig.source).clear();
  CHECK(rig.group.faults(rig.source).state().latency == std::chrono::milliseconds(50));
  CHECK(rig.group.faults(rig.source).state().delay.count() == 0);
  t0 = std::chrono::steady_clock::now();
  CHECK(c.query("*IDN?") == idn);
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took >= 50ms);
  CHECK(took < 1400ms);  // the fault delay is gone
}
