// Connection limits of a port: per client address and in total, with a one-line refusal before the
// close; idle connections reclaimed by a full port or closed by the idle timeout; a client that
// never reads dropped once its unsent answers stall, and its memory given back when it leaves.
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "drivers/server/server_group.hpp"
#include "tests/server/demo_instrument.hpp"

using namespace server_test;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using spiceloop::server::ConnectionLimits;
using spiceloop::server::ServerGroup;

namespace {

// One demo instrument on a free port with the given limits.
struct Rig {
  DemoInstrument demo;
  ServerGroup group;
  std::size_t index;
  explicit Rig(ConnectionLimits limits) : group("127.0.0.1", 0, limits), index(group.add("demo", demo.tree, demo.status)) {
    group.start();
  }
  std::uint16_t port() const { return group.port(index); }
  std::size_t connections() const { return group.connection_count(index); }
  bool wait_connections(std::size_t n, std::chrono::milliseconds deadline = 2000ms) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (connections() != n && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(5ms);
    return connections() == n;
  }
  // A closed connection's write in flight gives its buffer back when its aborted handler runs.
  bool wait_unsent_zero(std::chrono::milliseconds deadline = 1000ms) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (group.unsent_bytes(index) != 0 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(1ms);
    return group.unsent_bytes(index) == 0;
  }
};

std::string burst_of_queries(std::size_t n) {
  std::string burst;
  for (std::size_t k = 0; k < n; ++k) burst += "*IDN?\n";
  return burst;
}

// Sends queries without reading until the port holds more than `bound` bytes of answers beyond
// what it held before (this hog's connection is over its bound and has stopped reading:
// back-pressure), within 20 s; false if it never does. Judged by the server's count, not by a send
// blocking: a slow server (sanitizers, a loaded machine) also blocks sends before its bound is
// reached. Relative to the start, because another hog may sit a little under its own bound.
bool flood_until_held(Client& hog, Rig& rig, std::size_t bound) {
  const std::size_t before = rig.group.unsent_bytes(rig.index);
  const std::string burst = burst_of_queries(2000);
  const auto until = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < until) {
    if (rig.group.unsent_bytes(rig.index) > before + bound) return true;
    hog.send(burst, 20ms);
  }
  return false;
}

}  // namespace

TEST_CASE("limits: 256 idle connections do not lock a port, a new client takes the longest idle place", "[socket]") {
  // Regression: 256 idle connections locked a port and the 257th client was closed unanswered.
  const ConnectionLimits defaults;
  CHECK(defaults.max_connections_per_peer < defaults.max_connections);
  CHECK(defaults.reclaim_idle_after.count() > 0);
  ConnectionLimits limits;  // the defaults, but a shorter wait before an idle place is reclaimed
  limits.reclaim_idle_after = 300ms;
  Rig rig(limits);
  std::vector<std::unique_ptr<Client>> idle;
  for (const char* peer : {"127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"})
    for (std::size_t i = 0; i < defaults.max_connections_per_peer; ++i)
      idle.push_back(std::make_unique<Client>(rig.port(), 0, peer));
  REQUIRE(idle.front()->query("*IDN?") == idn);  // the oldest one was busy last
  REQUIRE(rig.wait_connections(256));
  std::this_thread::sleep_for(400ms);
  Client late(rig.port());
  CHECK(late.query("*IDN?") == idn);
  CHECK(rig.connections() == 256);
  // The place came from 127.0.0.1's longest idle connection, not from the one that spoke last.
  CHECK(idle[1]->closed_by_peer(2000ms));
  CHECK(idle.front()->query("*IDN?") == idn);
}

TEST_CASE("limits: a client over the per-peer limit reads one refusal line, then the close", "[socket]") {
  ConnectionLimits limits;
  limits.max_connections_per_peer = 3;
  limits.reclaim_idle_after = 0ms;
  Rig rig(limits);
  std::vector<std::unique_ptr<Client>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<Client>(rig.port()));
    REQUIRE(held.back()->query("*IDN?") == idn);
  }
  Client over(rig.port());
  const auto line = over.read_line(2000ms);
  REQUIRE(line);
  CHECK_THAT(*line, StartsWith("spiceloop: connection refused: 3 connections from 127.0.0.1 are open on port \"demo\""));
  CHECK_THAT(*line, Contains("at most 3 per client address"));
  CHECK(over.closed_by_peer(2000ms));
  // A client that asks at once still reads the refusal (no reset destroys it), not an answer.
  Client eager(rig.port());
  eager.send("*IDN?\n*IDN?\n");
  const auto eager_line = eager.read_line(2000ms);
  REQUIRE(eager_line);
  CHECK_THAT(*eager_line, StartsWith("spiceloop: connection refused:"));
  CHECK(eager.closed_by_peer(2000ms));
  // Another address has its own quota; the held clients are still served.
  Client other(rig.port(), 0, "127.0.0.2");
  CHECK(other.query("*IDN?") == idn);
  for (auto& c : held) CHECK(c->query("*IDN?") == idn);
}

TEST_CASE("limits: the total limit refuses the next client, and a client that leaves frees its place", "[socket]") {
  ConnectionLimits limits;
  limits.max_connections = 2;
  limits.reclaim_idle_after = 0ms;
  Rig rig(limits);
  auto a = std::make_unique<Client>(rig.port());
  Client b(rig.port(), 0, "127.0.0.2");
  REQUIRE(a->query("*IDN?") == idn);
  REQUIRE(b.query("*IDN?") == idn);
  Client over(rig.port(), 0, "127.0.0.3");
  const auto line = over.read_line(2000ms);
  REQUIRE(line);
  CHECK(*line == "spiceloop: connection refused: 2 connections are open on port \"demo\" (at most 2); "
                 "close one and try again");
  a.reset();
  REQUIRE(rig.wait_connections(1));
  Client next(rig.port(), 0, "127.0.0.3");
  CHECK(next.query("*IDN?") == idn);
}

TEST_CASE("limits: a full port refuses while its connections are busy or idle only briefly", "[socket]") {
  ConnectionLimits limits;
  limits.max_connections = 2;
  limits.reclaim_idle_after = 5000ms;
  Rig rig(limits);
  Client a(rig.port());
  Client b(rig.port());
  REQUIRE(a.query("*IDN?") == idn);
  REQUIRE(b.query("*IDN?") == idn);
  Client over(rig.port());
  const auto line = over.read_line(2000ms);
  REQUIRE(line);
  CHECK_THAT(*line, StartsWith("spiceloop: connection refused:"));
  CHECK(a.query("*IDN?") == idn);
  CHECK(b.query("*IDN?") == idn);
}

TEST_CASE("limits: the idle timeout closes a silent connection and keeps an active one", "[socket]") {
  ConnectionLimits limits;
  limits.idle_timeout = 300ms;
  Rig rig(limits);
  Client silent(rig.port());
  Client active(rig.port());
  REQUIRE(rig.wait_connections(2));
  const auto until = std::chrono::steady_clock::now() + 900ms;
  while (std::chrono::steady_clock::now() < until) {
    REQUIRE(active.query("*IDN?") == idn);
    std::this_thread::sleep_for(50ms);
  }
  CHECK(silent.closed_by_peer(1000ms));
  CHECK(rig.connections() == 1);
  CHECK(active.query("*IDN?") == idn);
}

TEST_CASE("limits: a client that never reads is bounded, dropped once stalled, and its answers freed", "[socket]") {
  ConnectionLimits limits;
  limits.max_pending_output_bytes = 64 * 1024;
  limits.stalled_output_timeout = 500ms;
  Rig rig(limits);
  Client hog(rig.port(), 16 * 1024);
  Client polite(rig.port());
  REQUIRE(flood_until_held(hog, rig, limits.max_pending_output_bytes));
  // The bound plus one read's answers (a 4 KiB read of *IDN? asks for 21 KB).
  const std::size_t held = rig.group.unsent_bytes(rig.index);
  INFO("answers held for the hog: " << held);
  CHECK(held > 0);
  CHECK(held <= limits.max_pending_output_bytes + 32 * 1024);
  CHECK(polite.query("*IDN?") == idn);
  // It takes nothing for the whole timeout: dropped, and what it was owed is given back.
  REQUIRE(rig.wait_connections(1, 3000ms));
  CHECK(rig.wait_unsent_zero());
  CHECK(hog.closed_by_peer(2000ms));
  CHECK(polite.query("*IDN?") == idn);
}

TEST_CASE("limits: 20 clients that never read hold a bounded total and free it at once when they leave", "[socket]") {
  // Regression: each such client held about 1.3 MB, kept for a while after it left.
  ConnectionLimits limits;
  limits.stalled_output_timeout = 0ms;  // here they stay until they leave
  Rig rig(limits);
  {
    std::vector<std::unique_ptr<Client>> hogs;
    for (int i = 0; i < 20; ++i) {
      hogs.push_back(std::make_unique<Client>(rig.port(), 16 * 1024));
      REQUIRE(flood_until_held(*hogs.back(), rig, limits.max_pending_output_bytes));
    }
    const std::size_t held = rig.group.unsent_bytes(rig.index);
    INFO("answers held for 20 hogs: " << held);
    CHECK(held > 0);
    CHECK(held <= 20 * (limits.max_pending_output_bytes + 32 * 1024));
  }
  REQUIRE(rig.wait_connections(0, 2000ms));
  CHECK(rig.wait_unsent_zero());
  Client after(rig.port());
  CHECK(after.query("*IDN?") == idn);
}
