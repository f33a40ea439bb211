// Stepping a halted transient (SolverOptions::reuse_ordering) instead of a fresh op per solve:
// the answers must be the op answers, through conductance changes, source changes, phase
// switches and the periodic reload, and diode networks must fall back to op.
#include <catch2/catch.hpp>

#include <cmath>

#include "emulator/spice/ngspice_simulator.hpp"
#include "tests/common/networks.hpp"

using namespace spiceloop;

namespace {

SolverOptions with_reuse(bool reuse) {
  SolverOptions o;
  o.reuse_ordering = reuse;
  return o;
}

double worst_relative(const State& a, const State& b) {
  double worst = 0.0;
  for (size_t v = 1; v < a.node_volts.size(); ++v)
    worst = std::max(worst, std::abs(a.node_volts[v] - b.node_volts[v]) / std::max(1e-12, std::abs(b.node_volts[v])));
  return worst;
}

}  // namespace

TEST_CASE("ngspice stepping: every solve equals a fresh op through updates and phase switches", "[ngspice]") {
  const Network net = spiceloop::test::crossbar(3, 6, 6, 1.0);
  NgspiceSimulator stepped(with_reuse(true)), fresh(with_reuse(false));
  stepped.load(net);
  fresh.load(net);
  std::vector<double> k = net.conductances();
  for (int round = 0; round < 12; ++round) {
    for (size_t j = 0; j < k.size(); ++j)
      if (net.edges[j].trainable) k[j] *= 1.0 + 0.05 * std::sin(1.7 * round + 0.3 * static_cast<double>(j));
    stepped.set_conductances(k);
    fresh.set_conductances(k);
    Drive free;
    for (const Input& in : net.inputs) free.input_volts.push_back(in.volts * (1.0 + 0.1 * round));
    const State a = stepped.solve(free), b = fresh.solve(free);
    CHECK(worst_relative(a, b) < 1e-12);
    Drive clamp = free;
    clamp.phase = Phase::Clamped;
    for (int o : net.outputs) clamp.clamp_volts.push_back(0.9 * a.node_volts[o]);
    CHECK(worst_relative(stepped.solve(clamp), fresh.solve(clamp)) < 1e-12);
  }
  CHECK(stepped.counters().stepped_solves >= 20);
  CHECK(fresh.counters().stepped_solves == 0);
}

TEST_CASE("ngspice stepping: a diode network is solved by op", "[ngspice]") {
  NgspiceSimulator sim(with_reuse(true));
  sim.load(spiceloop::test::diode_circuit());
  sim.solve(Drive{});
  sim.solve(Drive{});
  CHECK(sim.counters().stepped_solves == 0);
}
