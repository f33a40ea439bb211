// Each phase of the ngspice backend against answers derived by hand on the divider
// (in --1k-- out --3k-- gnd, 1 V in), and the alter and reload paths between solves.
#include <catch2/catch.hpp>

#include "emulator/spice/ngspice_simulator.hpp"
#include "tests/common/drives.hpp"
#include "tests/common/networks.hpp"
#include "tests/spice/reference_solver.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

using test::clamped_drive;
using test::free_drive;
using test::nudged_drive;
using test::twin_drive;

TEST_CASE("ngspice: the divider gives the analytic voltage and currents", "[ngspice]") {
  NgspiceSimulator sim;
  sim.load(test::divider());
  const State s = sim.solve(free_drive());
  CHECK_THAT(s.node_volts[2], WithinRel(0.75, 1e-12));
  CHECK_THAT(s.edge_amps[0], WithinRel(0.25e-3, 1e-12));
  CHECK_THAT(s.source_amps[0], WithinRel(0.25e-3, 1e-12));
  CHECK_THAT(s.power_watts, WithinRel(0.25e-3, 1e-12));
  CHECK(s.kcl_residual < 1e-9);
  CHECK(sim.name() == "ngspice");
}

TEST_CASE("ngspice: every phase of the divider matches its hand-derived answer", "[ngspice]") {
  NgspiceSimulator sim;
  sim.load(test::divider());

  SECTION("free: V_out = 1 V * 3k / 4k") {
    CHECK_THAT(sim.solve(free_drive()).node_volts[2], WithinRel(0.75, 1e-12));
  }
  SECTION("clamped at 0.5 V: the clamp sinks (1 - 0.5)/1k - 0.5/3k") {
    const State s = sim.solve(clamped_drive({0.5}));
    CHECK_THAT(s.node_volts[2], WithinRel(0.5, 1e-12));
    CHECK_THAT(s.output_amps[0], WithinRel(-(0.5e-3 - 0.5 / 3000.0), 1e-10));
  }
  SECTION("nudged by 1 mA into the output: V_out = (1/1k + 1m) / (1/1k + 1/3k) = 1.5 V") {
    const State s = sim.solve(nudged_drive({1e-3}));
    CHECK_THAT(s.node_volts[2], WithinRel(1.5, 1e-12));
    CHECK_THAT(s.output_amps[0], WithinRel(1e-3, 1e-15));
  }
  SECTION("twin, eta 0.5, target 0.25: free copy 0.75 V, clamped copy 0.5 * 0.75 + 0.5 * 0.25") {
    const TwinState t = sim.solve_twin(twin_drive(0.5, {0.25}));
    CHECK_THAT(t.free.node_volts[2], WithinRel(0.75, 1e-12));
    CHECK_THAT(t.clamped.node_volts[2], WithinRel(0.5, 1e-12));
    CHECK_THAT(t.clamped.node_volts[1], WithinRel(1.0, 1e-12));
  }
  SECTION("the input can be overridden per drive") {
    Drive d;
    d.input_volts = {-2.0};
    CHECK_THAT(sim.solve(d).node_volts[2], WithinRel(-1.5, 1e-12));
  }
}

TEST_CASE("ngspice: changed conductances are altered in place and give the new answer", "[ngspice]") {
  NgspiceSimulator sim;
  sim.load(test::divider());
  CHECK_THAT(sim.solve(free_drive()).node_volts[2], WithinRel(0.75, 1e-12));
  const auto loads = sim.counters().circuit_loads;
  sim.set_conductances(std::vector<double>{1.0 / 1000.0, 1.0 / 1000.0});
  CHECK_THAT(sim.solve(free_drive()).node_volts[2], WithinRel(0.5, 1e-12));
  CHECK(sim.counters().circuit_loads == loads);
  CHECK(sim.counters().alters == 1);  // only R2 changed
  sim.set_conductances(std::vector<double>{1.0 / 3000.0, 1.0 / 1000.0});
  CHECK_THAT(sim.solve(nudged_drive({1e-3})).node_volts[2], WithinRel((1.0 / 3000 + 1e-3) / (1.0 / 3000 + 1e-3), 1e-12));
  CHECK(sim.counters().circuit_loads == loads);
  CHECK(sim.counters().alters == 3);  // R1, and the nudge source
  CHECK_THAT(sim.solve(free_drive()).node_volts[2], WithinRel(0.25, 1e-12));  // nudge back to 0 A
}

TEST_CASE("ngspice: switching phase never reloads: each circuit kind keeps its own worker", "[ngspice]") {
  const Network net = test::random_network(7, 20, 30);
  NgspiceSimulator sim;
  sim.load(net);
  const std::vector<Drive> drives = {free_drive(), clamped_drive({0.1, -0.2}), nudged_drive({1e-4, -2e-4}), free_drive(),
                                     clamped_drive({0.3, 0.0}), twin_drive(0.3, {0.2, -0.1})};
  for (const Drive& d : drives) {
    if (d.phase == Phase::Twin) {
      const TwinState t = sim.solve_twin(d);
      const test::ReferenceTwin ref = test::reference_twin(net, d);
      for (int v = 0; v < net.node_count(); ++v) {
        CHECK_THAT(t.free.node_volts[v], WithinAbs(ref.free[v], 1e-12));
        CHECK_THAT(t.clamped.node_volts[v], WithinAbs(ref.clamped[v], 1e-12));
      }
    } else {
      const State s = sim.solve(d);
      const std::vector<double> ref = test::reference_volts(net, d);
      for (int v = 0; v < net.node_count(); ++v) CHECK_THAT(s.node_volts[v], WithinAbs(ref[v], 1e-12));
    }
  }
  // One load per circuit kind (free/nudged, clamped, twin), each in its own worker; alternating
  // free and clamped, as every CL step does, then only alters.
  CHECK(sim.counters().circuit_loads == 3);
  CHECK(sim.counters().worker_starts == 3);
}

TEST_CASE("ngspice: twin targets and eta change by alters and stay exact", "[ngspice]") {
  const Network net = test::random_network(11, 20, 30);
  NgspiceSimulator sim;
  sim.load(net);
  for (const Drive& d : {twin_drive(0.5, {0.1, 0.2}), twin_drive(0.5, {-0.3, 0.4}), twin_drive(0.05, {-0.3, 0.4}), twin_drive(1.0, {0.0, 0.0})}) {
    const TwinState t = sim.solve_twin(d);
    const test::ReferenceTwin ref = test::reference_twin(net, d);
    for (int v = 0; v < net.node_count(); ++v) {
      CHECK_THAT(t.free.node_volts[v], WithinAbs(ref.free[v], 1e-12));
      CHECK_THAT(t.clamped.node_volts[v], WithinAbs(ref.clamped[v], 1e-12));
    }
  }
  CHECK(sim.counters().circuit_loads == 1);
}

TEST_CASE("ngspice: a batch of drives at fixed conductances answers each in order", "[ngspice]") {
  const Network net = test::random_network(3, 20, 30);
  NgspiceSimulator sim;
  sim.load(net);
  std::vector<Drive> drives;
  for (int k = 0; k < 20; ++k) {
    Drive d;
    d.input_volts = {0.05 * k, -0.03 * k};
    drives.push_back(d);
  }
  const std::vector<State> states = sim.solve_batch(drives);
  REQUIRE(states.size() == drives.size());
  for (size_t k = 0; k < drives.size(); ++k) {
    const std::vector<double> ref = test::reference_volts(net, drives[k]);
    for (int v = 0; v < net.node_count(); ++v) CHECK_THAT(states[k].node_volts[v], WithinAbs(ref[v], 1e-12));
  }
  CHECK(sim.counters().solves == drives.size());
}
