// Many clients, clients that vanish or never read, and shutdown.
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "drivers/server/instrument_server.hpp"
#include "drivers/server/server_group.hpp"
#include "tests/server/demo_instrument.hpp"

using namespace server_test;
using Catch::Matchers::Contains;
using spiceloop::server::BindError;
using spiceloop::server::InstrumentServer;
using spiceloop::server::ServerGroup;
using spiceloop::server::ServerOptions;

TEST_CASE("server: a disconnect before the reply is harmless", "[socket]") {
  DemoInstrument demo;
  InstrumentServer server(demo.tree, demo.status);
  for (int i = 0; i < 20; ++i) {
    Client c(server.port());
    std::string burst;
    for (int k = 0; k < 200; ++k) burst += "*IDN?\n";
    REQUIRE(c.send(burst) == burst.size());
  }
  Client c(server.port());
  CHECK(c.query("*IDN?") == idn);
  // The vanished clients' connections are closed, not kept.
  for (int i = 0; i < 200 && server.connection_count() != 1; ++i) std::this_thread::sleep_for(10ms);
  CHECK(server.connection_count() == 1);
}

TEST_CASE("server: 64 connections at once are all answered", "[socket]") {
  DemoInstrument demo;
  InstrumentServer server(demo.tree, demo.status);
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 64; ++i) clients.push_back(std::make_unique<Client>(server.port()));
  for (int i = 0; i < 64; ++i) REQUIRE(clients[i]->send("VOLT " + std::to_string(i % 20) + ";VOLT?\n") > 0);
  for (auto& c : clients) CHECK(c->read_line().has_value());
  for (auto& c : clients) CHECK(c->query("*IDN?") == idn);
  CHECK(server.connection_count() == 64);
}

TEST_CASE("server: a client that never reads is throttled while another keeps its answers", "[socket]") {
  DemoInstrument demo;
  ServerOptions options;
  options.limits.max_pending_output_bytes = 64 * 1024;
  InstrumentServer server(demo.tree, demo.status, options);
  Client hog(server.port(), 16 * 1024);
  Client polite(server.port());
  std::string burst;
  for (int k = 0; k < 10000; ++k) burst += "*IDN?\n";  // ~60 KB asking for ~310 KB of answers
  std::size_t sent = 0;
  bool blocked = false;
  for (int round = 0; round < 400 && !blocked; ++round) {
    const std::size_t n = hog.send(burst, 200ms);
    sent += n;
    blocked = n < burst.size();
    REQUIRE(polite.query("*IDN?") == idn);
  }
  // The server stopped reading the hog: its sends stalled long before 24 MB of queries.
  CHECK(blocked);
  INFO("bytes the hog sent before it stalled: " << sent);
  CHECK(sent < 24u * 1024 * 1024);
  for (int i = 0; i < 10; ++i) CHECK(polite.query("*IDN?") == idn);
  hog.close();
  CHECK(polite.query("*IDN?") == idn);
}

TEST_CASE("server: stop closes every connection and a second stop is harmless", "[socket]") {
  DemoInstrument demo;
  InstrumentServer server(demo.tree, demo.status);
  Client a(server.port());
  Client b(server.port());
  REQUIRE(a.query("*IDN?") == idn);
  REQUIRE(b.query("*IDN?") == idn);
  server.stop();
  CHECK(a.closed_by_peer(2000ms));
  CHECK(b.closed_by_peer(2000ms));
  server.stop();
  CHECK_THROWS(Client(server.port()));
}

TEST_CASE("server: a port already in use gives a BindError naming it", "[socket]") {
  DemoInstrument demo;
  InstrumentServer first(demo.tree, demo.status);
  ServerOptions options;
  options.port = first.port();
  try {
    InstrumentServer second(demo.tree, demo.status, options);
    FAIL("bound a port already in use");
  } catch (const BindError& e) {
    CHECK_THAT(e.what(), Contains("127.0.0.1:" + std::to_string(first.port())));
  }
  options.port = 0;
  options.host = "not-an-address";
  CHECK_THROWS_AS(InstrumentServer(demo.tree, demo.status, options), BindError);
}

TEST_CASE("server group: several instruments on one thread, each with its own state", "[socket]") {
  DemoInstrument one;
  DemoInstrument two;
  ServerGroup group;
  const auto i1 = group.add(one.tree, one.status);
  const auto i2 = group.add(two.tree, two.status);
  group.start();
  REQUIRE(group.size() == 2);
  Client a(group.port(i1));
  Client b(group.port(i2));
  REQUIRE(a.send("VOLT 4\n") > 0);
  CHECK(a.query("VOLT?") == "+4.00000000E+00");
  CHECK(b.query("VOLT?") == "+0.00000000E+00");
  {
    std::lock_guard lock(group.mutex(i1));
    CHECK(one.volts == 4);
  }
  group.stop();
  CHECK(a.closed_by_peer(2000ms));
}

TEST_CASE("server group: ports are numbered from the base port", "[socket]") {
  DemoInstrument one;
  DemoInstrument two;
  // Find two free neighbouring ports by asking for one, then retry a few bases if taken.
  for (int attempt = 0; attempt < 20; ++attempt) {
    std::uint16_t base = 0;
    {
      ServerGroup probe;
      probe.add(one.tree, one.status);
      base = probe.port(0);
    }
    if (base >= 65535) continue;
    try {
      ServerGroup group("127.0.0.1", base);
      group.add(one.tree, one.status);
      group.add(two.tree, two.status);
      group.start();
      CHECK(group.port(0) == base);
      CHECK(group.port(1) == base + 1);
      Client b(group.port(1));
      CHECK(b.query("*IDN?") == idn);
      return;
    } catch (const BindError&) {
    }
  }
  FAIL("no two free neighbouring ports found");
}
