// Timings for benchmarks and the design notes, hidden from the default run:
//   ./build-spice/test_spice "[bench]"     divider, a random net, crossbars up to 32 x 32
//   ./build-spice/test_spice "[bench64]"   the 64 x 64 crossbar (minutes: ngspice reorders its
//                                          sparse matrix from scratch at every op)
// For each network: op alone, op after altering one or every trainable edge, op after a reload
// (a phase switch), and solve_batch per drive.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>

#include "emulator/spice/ngspice_simulator.hpp"
#include "tests/common/networks.hpp"

using namespace spiceloop;

namespace {

template <typename F>
double microseconds_per_call(int calls, F&& f) {
  const auto t0 = std::chrono::steady_clock::now();
  for (int k = 0; k < calls; ++k) f(k);
  return 1e6 * std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / calls;
}

void report(const char* what, double us) { std::printf("  %-44s %12.1f us\n", what, us); }

void time_network(const Network& net, int calls) {
  std::printf("%s: %d nodes, %d edges\n", net.name.c_str(), net.node_count(), net.edge_count());
  NgspiceSimulator sim({}, WorkerOptions{{}, std::chrono::minutes(10)});
  sim.load(net);
  report("worker start + load + first op", microseconds_per_call(1, [&](int) { sim.solve(Drive{}); }));
  report("op, nothing changed", microseconds_per_call(calls, [&](int) { sim.solve(Drive{}); }));
  std::vector<double> k = net.conductances();
  report("op after altering one edge", microseconds_per_call(calls, [&](int i) {
           k[0] *= i % 2 ? 1.01 : 1 / 1.01;
           sim.set_conductances(k);
           sim.solve(Drive{});
         }));
  int trainable = 0;
  for (const Edge& e : net.edges) trainable += e.trainable;
  report(("op after altering all " + std::to_string(trainable) + " trainable").c_str(),
         microseconds_per_call(calls, [&](int i) {
           for (int j = 0; j < net.edge_count(); ++j)
             if (net.edges[j].trainable) k[j] *= i % 2 ? 1.01 : 1 / 1.01;
           sim.set_conductances(k);
           sim.solve(Drive{});
         }));
  Drive clamped;
  clamped.phase = Phase::Clamped;
  clamped.clamp_volts.assign(net.outputs.size(), 0.0);
  report("op after a reload (free <-> clamped)",
         microseconds_per_call(calls, [&](int i) { sim.solve(i % 2 ? Drive{} : clamped); }));
  std::vector<Drive> batch(10);
  for (size_t b = 0; b < batch.size(); ++b) batch[b].input_volts.assign(net.inputs.size(), 0.01 * static_cast<double>(b));
  report("solve_batch of 10, per drive", microseconds_per_call(1, [&](int) { sim.solve_batch(batch); }) / 10);
}

}  // namespace

TEST_CASE("ngspice: timings of op, alters and reloads", "[ngspice][.bench]") {
  time_network(test::divider(), 500);
  time_network(test::random_network(42, 40, 80), 200);
  time_network(test::crossbar(1, 8, 8, 1.0), 100);
  time_network(test::crossbar(1, 16, 16, 1.0), 20);
  time_network(test::crossbar(1, 32, 32, 1.0), 4);
}

TEST_CASE("ngspice: timings on the 64 x 64 crossbar", "[ngspice][.bench64]") {
  time_network(test::crossbar(1, 64, 64, 1.0), 2);
}
