// The supervisor: a worker that crashes, is killed, exits inside ngspice or hangs costs one
// SimulationError, never the parent, and the next call gets a fresh worker with the last network
// and conductances. Dead workers are reaped (no zombies) and leave no directory behind.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "emulator/core/error.hpp"
#include "emulator/spice/ngspice_simulator.hpp"
#include "tests/common/networks.hpp"
#include "tests/spice/reference_solver.hpp"

using namespace spiceloop;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

char process_state(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return '\0';  // gone: reaped
  const size_t paren = line.rfind(')');
  return paren + 2 < line.size() ? line[paren + 2] : '?';
}

void wait_until_dead(pid_t pid) {
  for (int i = 0; i < 2000; ++i) {
    const char s = process_state(pid);
    if (s == '\0' || s == 'Z') return;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void check_divider_answer(NgspiceSimulator& sim, double expected) {
  CHECK_THAT(sim.solve(Drive{}).node_volts[2], WithinRel(expected, 1e-12));
}

std::string error_id_of(NgspiceSimulator& sim, const Drive& d, std::vector<std::string>* lines = nullptr) {
  try {
    sim.solve(d);
  } catch (const SimulationError& e) {
    if (lines) *lines = e.simulator_lines();
    return e.id();
  }
  return "no error";
}

}  // namespace

TEST_CASE("ngspice: a worker that aborts mid-solve costs one error and the next solve is right", "[ngspice]") {
  NgspiceSimulator sim;
  sim.load(test::divider());
  check_divider_answer(sim, 0.75);
  const pid_t first = sim.worker_pid();
  sim.inject_fault(protocol::WorkerFault::AbortInNextSolve);
  CHECK(error_id_of(sim, Drive{}) == "spice.worker_crashed");
  CHECK(sim.worker_pid() == -1);
  CHECK(process_state(first) == '\0');  // reaped, not a zombie
  check_divider_answer(sim, 0.75);
  CHECK(sim.worker_pid() != first);
  CHECK(sim.counters().worker_restarts == 1);
}

TEST_CASE("ngspice: a worker killed with SIGKILL is replaced and keeps the latest conductances", "[ngspice]") {
  NgspiceSimulator sim;
  sim.load(test::divider());
  check_divider_answer(sim, 0.75);
  const pid_t first = sim.worker_pid();
  REQUIRE(::kill(first, SIGKILL) == 0);
  wait_until_dead(first);
  sim.set_conductances(std::vector<double>{1e-3, 1e-3});  // while no live worker has heard of it
  // Writing to the dead worker must not raise SIGPIPE here: the test process would die.
  CHECK(error_id_of(sim, Drive{}) == "spice.worker_crashed");
  CHECK(process_state(first) == '\0');
  check_divider_answer(sim, 0.5);
  CHECK(sim.counters().worker_restarts == 1);
}

TEST_CASE("ngspice: a worker killed from outside is reaped at once, before its circuit kind is used again",
          "[ngspice]") {
  // Regression: a killed worker stayed a zombie until the next request of its kind (once 30 minutes).
  NgspiceSimulator sim;
  sim.load(test::divider());
  check_divider_answer(sim, 0.75);
  const pid_t first = sim.worker_pid();
  REQUIRE(::kill(first, SIGKILL) == 0);
  char state = 'R';
  for (int i = 0; i < 2000 && state != '\0'; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    state = process_state(first);
  }
  CHECK(state == '\0');  // gone: not a zombie, and nothing else asked the simulator
  CHECK(error_id_of(sim, Drive{}) == "spice.worker_crashed");
  check_divider_answer(sim, 0.75);
}

TEST_CASE("ngspice: an immediate abort between requests is noticed at the next one", "[ngspice]") {
  NgspiceSimulator sim;
  sim.load(test::divider());
  check_divider_answer(sim, 0.75);
  sim.inject_fault(protocol::WorkerFault::AbortNow);
  CHECK(error_id_of(sim, Drive{}) == "spice.worker_crashed");
  check_divider_answer(sim, 0.75);
}

TEST_CASE("ngspice: a controlled exit inside ngspice is a crash carrying ngspice's lines", "[ngspice]") {
  NgspiceSimulator sim;
  sim.load(test::divider());
  check_divider_answer(sim, 0.75);
  sim.inject_fault(protocol::WorkerFault::ControlledExitInNextSolve);
  std::vector<std::string> lines;
  try {
    sim.solve(Drive{});
    FAIL("expected a SimulationError");
  } catch (const SimulationError& e) {
    CHECK(e.id() == "spice.worker_crashed");
    CHECK_THAT(e.message(), Contains("controlled exit"));
    lines = e.simulator_lines();
  }
  bool saw_quit = false;
  for (const std::string& l : lines) saw_quit = saw_quit || l.find("quit") != std::string::npos;
  CHECK(saw_quit);
  check_divider_answer(sim, 0.75);
}

TEST_CASE("ngspice: a hung worker is killed at the reply timeout and replaced", "[ngspice]") {
  NgspiceSimulator sim({}, WorkerOptions{{}, std::chrono::milliseconds(1500)});
  sim.load(test::divider());
  check_divider_answer(sim, 0.75);
  const pid_t first = sim.worker_pid();
  sim.inject_fault(protocol::WorkerFault::HangInNextSolve);
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(error_id_of(sim, Drive{}) == "spice.worker_timeout");
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  CHECK(process_state(first) == '\0');
  check_divider_answer(sim, 0.75);
}

TEST_CASE("ngspice: the destructor quits and reaps the worker", "[ngspice]") {
  pid_t pid = -1;
  {
    NgspiceSimulator sim;
    sim.load(test::divider());
    check_divider_answer(sim, 0.75);
    pid = sim.worker_pid();
    REQUIRE(pid > 0);
  }
  CHECK(process_state(pid) == '\0');  // gone, not a zombie
}

TEST_CASE("ngspice: the worker's private directory is gone once ngspice runs, so no crash can leak it", "[ngspice]") {
  NgspiceSimulator sim;
  sim.load(test::divider());
  check_divider_answer(sim, 0.75);
  std::string cwd = std::filesystem::read_symlink("/proc/" + std::to_string(sim.worker_pid()) + "/cwd").string();
  const std::string deleted = " (deleted)";
  REQUIRE(cwd.size() > deleted.size());
  CHECK(cwd.substr(cwd.size() - deleted.size()) == deleted);
  cwd.resize(cwd.size() - deleted.size());
  CHECK(std::filesystem::path(cwd).filename().string().rfind("spiceloop-ngspice-", 0) == 0);
  CHECK_FALSE(std::filesystem::exists(cwd));
  sim.inject_fault(protocol::WorkerFault::AbortInNextSolve);
  CHECK(error_id_of(sim, Drive{}) == "spice.worker_crashed");
  check_divider_answer(sim, 0.75);
}

TEST_CASE("ngspice: a missing worker executable is a spice.worker_start error", "[ngspice]") {
  NgspiceSimulator sim({}, WorkerOptions{"/nonexistent/spiceloop-ngspice-worker", std::chrono::milliseconds(2000)});
  sim.load(test::divider());
  try {
    sim.solve(Drive{});
    FAIL("expected a SimulationError");
  } catch (const SimulationError& e) {
    CHECK(e.id() == "spice.worker_start");
  }
}
