// The four phases of the ideal backend: what each holds, injects and returns.
#include <catch2/catch.hpp>

#include "emulator/solver/ideal_simulator.hpp"
#include "tests/common/drives.hpp"
#include "tests/common/networks.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using test::clamped_drive;
using test::nudged_drive;

namespace {

// Current that flows from the edges into the ground node (it returns through the sources).
double ground_amps(const Network& net, const State& s) {
  double into = 0.0;
  for (size_t j = 0; j < net.edges.size(); ++j) {
    if (net.edges[j].b == 0) into += s.edge_amps[j];
    if (net.edges[j].a == 0) into -= s.edge_amps[j];
  }
  return into;
}

void require_same(const State& a, const State& b) {
  REQUIRE(a.node_volts == b.node_volts);
  REQUIRE(a.source_amps == b.source_amps);
  REQUIRE(a.output_amps == b.output_amps);
}

}  // namespace

TEST_CASE("ideal solver: the clamped phase holds the outputs exactly", "[solver]") {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const Network net = test::random_network(seed, 30, 40, 3, 4);
    std::mt19937_64 rng(seed);
    IdealSimulator sim;
    sim.load(net);
    const Drive d = clamped_drive(test::uniform_vector(rng, net.outputs.size(), -1.0, 1.0));
    const State s = sim.solve(d);
    for (size_t o = 0; o < net.outputs.size(); ++o)
      REQUIRE(s.node_volts[net.outputs[o]] == d.clamp_volts[o]);
    REQUIRE(s.kcl_residual < 1e-12);
    // Every ampere the sources and clamps deliver returns through the ground.
    double delivered = 0.0;
    for (double i : s.source_amps) delivered += i;
    for (double i : s.output_amps) delivered += i;
    REQUIRE_THAT(delivered, WithinAbs(ground_amps(net, s), 1e-15));
  }
}

TEST_CASE("ideal solver: clamping the outputs at their free values draws no clamp current",
          "[solver]") {
  const Network net = test::random_network(11, 30, 40, 3, 3);
  IdealSimulator sim;
  sim.load(net);
  const State free = sim.solve(Drive{});
  std::vector<double> v_out;
  for (int o : net.outputs) v_out.push_back(free.node_volts[o]);
  const State s = sim.solve(clamped_drive(v_out));
  double worst_edge = 0.0;
  for (double i : free.edge_amps) worst_edge = std::max(worst_edge, std::abs(i));
  for (double i : s.output_amps) REQUIRE_THAT(i, WithinAbs(0.0, 1e-13 * worst_edge));
  for (int v = 0; v < net.node_count(); ++v)
    REQUIRE_THAT(s.node_volts[v], WithinAbs(free.node_volts[v], 1e-14));
}

TEST_CASE("ideal solver: the nudged phase injects its current and satisfies KCL", "[solver]") {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const Network net = test::random_network(seed, 30, 40, 3, 4);
    std::mt19937_64 rng(seed + 100);
    IdealSimulator sim;
    sim.load(net);
    const Drive d = nudged_drive(test::uniform_vector(rng, net.outputs.size(), -1e-4, 1e-4));
    const State s = sim.solve(d);
    REQUIRE(s.kcl_residual < 1e-12);
    REQUIRE(s.output_amps == d.nudge_amps);
    // At each output the edges carry away exactly the injected current.
    for (size_t o = 0; o < net.outputs.size(); ++o) {
      double leaving = 0.0;
      for (size_t j = 0; j < net.edges.size(); ++j) {
        if (net.edges[j].a == net.outputs[o]) leaving += s.edge_amps[j];
        if (net.edges[j].b == net.outputs[o]) leaving -= s.edge_amps[j];
      }
      REQUIRE_THAT(leaving, WithinRel(d.nudge_amps[o], 1e-10));
    }
    double delivered = 0.0;
    for (double i : s.source_amps) delivered += i;
    for (double i : d.nudge_amps) delivered += i;
    REQUIRE_THAT(delivered, WithinAbs(ground_amps(net, s), 1e-15));
  }
}

TEST_CASE("ideal solver: the nudged response is linear in the injected current", "[solver]") {
  const Network net = test::random_network(5, 30, 40, 2, 3);
  IdealSimulator sim;
  sim.load(net);
  const State free = sim.solve(Drive{});
  const std::vector<double> amps = {3e-5, -1e-5, 2e-5};
  const State one = sim.solve(nudged_drive(amps));
  const State two = sim.solve(nudged_drive(test::scaled(amps, 2.0)));
  for (int v = 1; v < net.node_count(); ++v)
    REQUIRE_THAT(two.node_volts[v] - free.node_volts[v],
                 WithinAbs(2.0 * (one.node_volts[v] - free.node_volts[v]), 1e-14));
  const State zero = sim.solve(nudged_drive({0.0, 0.0, 0.0}));
  require_same(zero, free);
}

TEST_CASE("ideal solver: a twin solve is the free copy and a clamped copy solved separately",
          "[solver]") {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const Network net = test::random_network(seed, 30, 40, 3, 3);
    std::mt19937_64 rng(seed + 7);
    IdealSimulator sim;
    sim.load(net);
    Drive twin;
    twin.phase = Phase::Twin;
    twin.input_volts = test::uniform_vector(rng, net.inputs.size(), -1.0, 1.0);
    twin.twin_targets = test::uniform_vector(rng, net.outputs.size(), -1.0, 1.0);
    twin.twin_eta = 0.3;
    const TwinState t = sim.solve_twin(twin);

    Drive free;
    free.input_volts = twin.input_volts;
    const State f = sim.solve(free);
    Drive clamped = clamped_drive({});
    clamped.input_volts = twin.input_volts;
    for (size_t o = 0; o < net.outputs.size(); ++o)
      clamped.clamp_volts.push_back(0.7 * f.node_volts[net.outputs[o]] +
                                    0.3 * twin.twin_targets[o]);
    const State c = sim.solve(clamped);
    require_same(t.free, f);
    for (int v = 0; v < net.node_count(); ++v)
      REQUIRE_THAT(t.clamped.node_volts[v], WithinAbs(c.node_volts[v], 1e-15));
    for (size_t o = 0; o < net.outputs.size(); ++o)
      REQUIRE_THAT(t.clamped.output_amps[o], WithinAbs(c.output_amps[o], 1e-18));
  }
}

TEST_CASE("ideal solver: a batch of drives gives the states of separate solves", "[solver]") {
  const Network net = test::random_network(3, 40, 60, 3, 2);
  std::mt19937_64 rng(3);
  std::vector<Drive> drives;
  for (int i = 0; i < 12; ++i) {
    Drive d;
    d.phase = i % 3 == 0 ? Phase::Free : i % 3 == 1 ? Phase::Clamped : Phase::Nudged;
    d.input_volts = test::uniform_vector(rng, net.inputs.size(), -1.0, 1.0);
    if (d.phase == Phase::Clamped) d.clamp_volts = test::uniform_vector(rng, 2, -1.0, 1.0);
    if (d.phase == Phase::Nudged) d.nudge_amps = test::uniform_vector(rng, 2, -1e-4, 1e-4);
    drives.push_back(d);
  }
  IdealSimulator batch_sim, single_sim;
  batch_sim.load(net);
  single_sim.load(net);
  const std::vector<State> batch = batch_sim.solve_batch(drives);
  REQUIRE(batch.size() == drives.size());
  for (size_t i = 0; i < drives.size(); ++i) require_same(batch[i], single_sim.solve(drives[i]));
}

TEST_CASE("ideal solver: the drive's input voltages override the network's own", "[solver]") {
  IdealSimulator sim;
  sim.load(test::divider(1000.0, 1000.0, 1.0));
  Drive d;
  d.input_volts = {-3.0};
  REQUIRE_THAT(sim.solve(d).node_volts[2], WithinRel(-1.5, 1e-15));
  REQUIRE_THAT(sim.solve(Drive{}).node_volts[2], WithinRel(0.5, 1e-15));
}
