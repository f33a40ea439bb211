// A command that runs long (WORK <steps>: 1 ms a step, yield_port between steps) on one port of a
// group whose two ports share one mutex, as instruments on one bench do: the other port answers
// meanwhile, *RST on the port and ServerGroup::abort stop it between steps, and stop() ends it.
// Checked by order and state (the port still busy when the other answers), not by time.
#include <catch2/catch.hpp>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include "drivers/server/port_work.hpp"
#include "drivers/server/server_group.hpp"
#include "tests/server/demo_instrument.hpp"

using namespace server_test;
using spiceloop::server::ServerGroup;

namespace {

struct Worker {
  scpi::Status status;
  scpi::CommandTree tree;
  std::atomic<long> steps{0};
  std::atomic<bool> stopped_early{false};

  Worker() {
    scpi::add_common_commands(tree, status, {"Spiceloop", "WORKER", "0001", "0.1"}, {.reset = [this] { steps = 0; }});
    tree.add("WORK", [this](scpi::Call& c) {
      const long n = static_cast<long>(c.integer(0, 1, 1000000));
      for (long i = 0; i < n; ++i) {
        if (spiceloop::server::yield_port()) {
          stopped_early = true;
          return;
        }
        std::this_thread::sleep_for(1ms);
        ++steps;
      }
    }, {.min_params = 1, .max_params = 1});
    tree.add("WORK:STEPs?", [this](scpi::Call& c) { c.respond(scpi::nr1(steps.load())); });
  }
};

struct Rig {
  Worker worker;
  DemoInstrument demo;
  std::shared_ptr<std::mutex> shared = std::make_shared<std::mutex>();
  ServerGroup group;
  std::size_t work_port = group.add("worker", worker.tree, worker.status, shared);
  std::size_t demo_port = group.add("demo", demo.tree, demo.status, shared);
  Client work{(group.start(), group.port(work_port))};
  Client other{group.port(demo_port)};

  bool wait_busy() {
    for (int i = 0; i < 5000 && !group.busy(work_port); ++i) std::this_thread::sleep_for(1ms);
    return group.busy(work_port);
  }
};

}  // namespace

TEST_CASE("server: a long command on one port delays no other port sharing its mutex", "[socket][long]") {
  Rig rig;
  REQUIRE(rig.work.send("WORK 1000000\n") > 0);
  REQUIRE(rig.wait_busy());
  for (int i = 0; i < 20; ++i) CHECK(rig.other.query("*IDN?") == idn);
  CHECK(rig.other.query("VOLT 2;VOLT?") == "+2.00000000E+00");
  CHECK(rig.group.busy(rig.work_port));  // still running: the answers did not wait for it
  CHECK(rig.group.abort(rig.work_port));
  CHECK(rig.work.query("*OPC?") == "1");
  CHECK(rig.worker.stopped_early);
  CHECK_FALSE(rig.group.busy(rig.work_port));
}

TEST_CASE("server: *RST read while a long command runs stops it at its next step, then runs", "[socket][long]") {
  Rig rig;
  REQUIRE(rig.work.send("WORK 1000000\n") > 0);
  REQUIRE(rig.wait_busy());
  REQUIRE(rig.work.send("*RST\n") > 0);
  CHECK(rig.work.query("WORK:STEPS?") == "+0");  // the reset ran after the stopped command
  CHECK(rig.worker.stopped_early);
}

TEST_CASE("server: ServerGroup::abort with nothing running asks nothing of the next command", "[socket][long]") {
  Rig rig;
  CHECK_FALSE(rig.group.abort(rig.work_port));
  CHECK(rig.work.query("WORK 5;WORK:STEPS?") == "+5");
  CHECK_FALSE(rig.worker.stopped_early);
}

TEST_CASE("server: stop() ends a long command at its next step", "[socket][long]") {
  Rig rig;
  REQUIRE(rig.work.send("WORK 1000000\n") > 0);
  REQUIRE(rig.wait_busy());
  rig.group.stop();  // returns once the command stopped: the worker is joined
  CHECK(rig.worker.stopped_early);
  CHECK(rig.worker.steps < 1000000);
}

TEST_CASE("server: a connection whose command runs is busy: the idle timeout and a full port's reclaim leave it",
          "[socket][long][limits]") {
  // Quiet for longer than the idle timeout, but its command runs (a learning clock of 30 s would).
  spiceloop::server::ConnectionLimits limits;
  limits.idle_timeout = 150ms;
  limits.reclaim_idle_after = 50ms;
  limits.max_connections = 1;
  Worker worker;
  ServerGroup group("127.0.0.1", 0, limits);
  const std::size_t port = group.add("worker", worker.tree, worker.status);
  group.start();
  Client work(group.port(port));
  REQUIRE(work.send("WORK 1000000\n") > 0);
  for (int i = 0; i < 5000 && !group.busy(port); ++i) std::this_thread::sleep_for(1ms);
  REQUIRE(group.busy(port));
  std::this_thread::sleep_for(400ms);  // well past both times
  {
    Client late(group.port(port));     // the port is full and its one connection is busy
    const auto line = late.read_line(2000ms);
    REQUIRE(line);
    CHECK(line->rfind("spiceloop: connection refused: 1 connections are open on port \"worker\"", 0) == 0);
  }
  CHECK(group.busy(port));
  CHECK(group.connection_count(port) == 1);
  REQUIRE(work.send("*RST\n") > 0);  // aborts the command; the reset then runs
  CHECK(work.query("WORK:STEPS?") == "+0");
  CHECK(worker.stopped_early);
  // Idle from now on: the timeout closes it.
  CHECK(work.closed_by_peer(2000ms));
  CHECK(group.connection_count(port) == 0);
}
