// What may reach ngspice: only validated identifiers and formatted numbers (a name with ';' or a
// newline is an InputError before any worker starts), never a start-up file (the worker refuses
// to start when ngspice would source a .spiceinit), and never an unjudged answer (a singular
// circuit is spice.solve_failed with ngspice's own lines; the physics check stands behind it).
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <string>

#include "emulator/core/error.hpp"
#include "emulator/network/generators.hpp"
#include "emulator/spice/ngspice_simulator.hpp"
#include "emulator/spice/physics_check.hpp"
#include "tests/common/networks.hpp"

using namespace spiceloop;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinRel;

namespace {

std::string input_error_id(NgspiceSimulator& sim, const Network& net) {
  try {
    sim.load(net);
  } catch (const InputError& e) {
    return e.id();
  }
  return "no error";
}

// Sets an environment variable for one scope and restores it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) setenv(name_, old_->c_str(), 1);
    else unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("ngspice: an edge name with a semicolon is rejected before any worker starts", "[ngspice]") {
  NgspiceSimulator sim;
  Network net = test::divider();
  net.edges[0].name = "R1;shell touch /tmp/spiceloop_pwned";
  CHECK(input_error_id(sim, net) == "spice.bad_name");
  CHECK(sim.worker_pid() == -1);
  CHECK_FALSE(std::filesystem::exists("/tmp/spiceloop_pwned"));
}

TEST_CASE("ngspice: names that are not plain identifiers never reach the worker", "[ngspice]") {
  NgspiceSimulator sim;
  Network net = test::divider();
  SECTION("a node name with a space") { net.node_names[2] = "out x"; }
  SECTION("a node name with a newline") { net.node_names[2] = "out\n.control"; }
  SECTION("a backquote") { net.edges[1].name = "R2`ls`"; }
  SECTION("names equal up to case (SPICE folds case)") { net.edges[1].name = "r1"; }
  SECTION("a network name with a newline, which would start a deck line") { net.name = "x\nshell ls"; }
  CHECK(input_error_id(sim, net) == "spice.bad_name");
  CHECK(sim.worker_pid() == -1);
}

TEST_CASE("ngspice: names that are ngspice command words are just names", "[ngspice]") {
  Network net = test::divider();
  net.node_names = {"gnd", "shell", "quit"};
  net.edges[0].name = "source";
  net.edges[1].name = "control";
  NgspiceSimulator sim;
  sim.load(net);
  CHECK_THAT(sim.solve(Drive{}).node_volts[2], WithinRel(0.75, 1e-12));
}

TEST_CASE("ngspice: values ngspice would silently change are rejected", "[ngspice]") {
  NgspiceSimulator sim;
  sim.load(test::divider());
  for (double bad : {0.0, -1e-3, std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN(), 1e-320}) {
    INFO("conductance " << bad);
    CHECK_THROWS_AS(sim.set_conductances(std::vector<double>{bad, 1e-3}), InputError);
  }
  CHECK_THROWS_AS(sim.set_conductances(std::vector<double>{1e-3}), InputError);  // one per edge
  Drive c;
  c.phase = Phase::Clamped;
  CHECK_THROWS_AS(sim.solve(c), InputError);  // no clamp volts
  c.clamp_volts = {std::numeric_limits<double>::infinity()};
  CHECK_THROWS_AS(sim.solve(c), InputError);
  Drive t;
  t.phase = Phase::Twin;
  t.twin_eta = 0.0;
  t.twin_targets = {0.1};
  CHECK_THROWS_AS(sim.solve_twin(t), InputError);
  t.twin_eta = 0.5;
  CHECK_THROWS_AS(sim.solve(t), InputError);  // twin goes through solve_twin
  // None of the rejected values changed the circuit.
  CHECK_THAT(sim.solve(Drive{}).node_volts[2], WithinRel(0.75, 1e-12));
}

TEST_CASE("ngspice: a wired 128 x 128 crossbar (32,769 nodes) is refused at load with the measured reason, "
          "not by the worker's reply timeout",
          "[ngspice]") {
  CrossbarOptions o;
  o.rows = o.columns = 128;
  o.wire_ohms = 1.0;
  const Network net = make_crossbar(o);
  REQUIRE(net.node_count() == 32769);
  NgspiceSimulator sim;
  const auto start = std::chrono::steady_clock::now();
  try {
    sim.load(net);
    FAIL("accepted");
  } catch (const InputError& e) {
    CHECK(e.id() == "spice.too_large");
    CHECK(e.where() == "nodes");
    CHECK_THAT(e.message(), Contains("32769 nodes") && Contains("60 s reply timeout") && Contains("--backend ideal"));
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  // The largest a wired crossbar may be still loads: 64 x 64 has 8,193 nodes.
  o.rows = o.columns = 64;
  CHECK(input_error_id(sim, make_crossbar(o)) == "no error");
}

TEST_CASE("ngspice: the worker refuses to start when ngspice would source a .spiceinit", "[ngspice]") {
  const auto home = std::filesystem::temp_directory_path() / ("spiceloop_test_home_" + std::to_string(::getpid()));
  std::filesystem::create_directories(home);
  const auto marker = home / "sourced";
  std::ofstream(home / ".spiceinit") << "shell touch " << marker.string() << "\n";
  {
    ScopedEnv env("HOME", home.string());
    NgspiceSimulator sim;
    sim.load(test::divider());
    try {
      sim.solve(Drive{});
      FAIL("expected the worker to refuse");
    } catch (const SimulationError& e) {
      CHECK(e.id() == "spice.unsafe_init");
      CHECK_THAT(e.where(), Contains(".spiceinit"));
    }
    CHECK(sim.worker_pid() == -1);
  }
  CHECK_FALSE(std::filesystem::exists(marker));
  std::filesystem::remove_all(home);
  // With the file gone, the same setup works.
  NgspiceSimulator sim;
  sim.load(test::divider());
  CHECK_THAT(sim.solve(Drive{}).node_volts[2], WithinRel(0.75, 1e-12));
}

TEST_CASE("ngspice: a singular circuit is spice.solve_failed with ngspice's lines", "[ngspice]") {
  Network net = test::divider();
  const int a = test::add_node(net, "island_a"), b = test::add_node(net, "island_b");
  test::add_resistor(net, a, b, 1e-2, true, "R_island");  // no path to anything held
  NgspiceSimulator sim;
  sim.load(net);
  try {
    sim.solve(Drive{});
    FAIL("expected spice.solve_failed");
  } catch (const SimulationError& e) {
    CHECK(e.id() == "spice.solve_failed");
    bool singular = false;
    for (const std::string& l : e.simulator_lines()) singular = singular || l.find("singular") != std::string::npos;
    CHECK(singular);
  }
  // The same worker goes on with a sound network.
  const pid_t pid = sim.worker_pid();
  sim.load(test::divider());
  CHECK_THAT(sim.solve(Drive{}).node_volts[2], WithinRel(0.75, 1e-12));
  CHECK(sim.worker_pid() == pid);
}

TEST_CASE("physics check: a voltage outside the source range is rejected", "[ngspice]") {
  const Network net = test::divider();
  State s = make_state(net, {0.0, 1.0, 1.2});
  const Drive d;
  CHECK_THROWS_AS(check_physics(net, s, voltage_bounds(net, d), SolverOptions{}, {}, false, "test", {}), SimulationError);
  s = make_state(net, {0.0, 1.0, std::numeric_limits<double>::quiet_NaN()});
  CHECK_THROWS_AS(check_physics(net, s, voltage_bounds(net, d), SolverOptions{}, {}, false, "test", {}), SimulationError);
}

TEST_CASE("physics check: a KCL residual above tolerance is rejected, the exact answer passes", "[ngspice]") {
  const Network net = test::divider();
  const Drive d;
  const State good = make_state(net, {0.0, 1.0, 0.75});
  CHECK_NOTHROW(check_physics(net, good, voltage_bounds(net, d), SolverOptions{}, {}, false, "test", {}));
  const State bad = make_state(net, {0.0, 1.0, 0.75 + 1e-6});
  try {
    check_physics(net, bad, voltage_bounds(net, d), SolverOptions{}, {}, false, "test", {"a line"});
    FAIL("expected spice.physics_check");
  } catch (const SimulationError& e) {
    CHECK(e.id() == "spice.physics_check");
    CHECK_THAT(e.message(), Contains("KCL"));
    CHECK(e.simulator_lines() == std::vector<std::string>{"a line"});
  }
}

TEST_CASE("physics check: nudge currents widen the bounds of a linear network", "[ngspice]") {
  const Network net = test::divider();
  Drive n;
  n.phase = Phase::Nudged;
  n.nudge_amps = {1e-3};
  const VoltageBounds b = voltage_bounds(net, n);
  CHECK(b.bounded);
  CHECK(b.hi_volts >= 1.5);  // the exact nudged answer
}
