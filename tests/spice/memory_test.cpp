// Regression guard for ngspice's leaks (DESIGN.md: +609 MB over 2000 loads without remcirc and
// destroy all, and command history that grows until cleared): the worker's resident memory stays
// flat over many solves with conductance updates, on the alter path and on the reload path.
#include <catch2/catch.hpp>

#include <chrono>
#include <random>
#include <string>

#include "emulator/spice/ngspice_simulator.hpp"
#include "tests/common/memory.hpp"
#include "tests/common/networks.hpp"
#include "tests/spice/reference_solver.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using spiceloop::test::rss_kib;

namespace {

// Runs `solves` solves, each after updating every conductance; every `reload_every`-th solve is
// a clamped one (a reload each way). Checks an answer now and then against the reference.
void churn(NgspiceSimulator& sim, Network& net, int solves, int reload_every, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> factor(0.9, 1.1);
  for (int k = 0; k < solves; ++k) {
    std::vector<double> g = net.conductances();
    for (double& x : g) x = std::clamp(x * factor(rng), 1e-5, 1e-1);
    net.set_conductances(g);
    sim.set_conductances(g);
    Drive d;
    if (reload_every > 0 && k % reload_every == 0) {
      d.phase = Phase::Clamped;
      d.clamp_volts.assign(net.outputs.size(), 0.1);
    }
    const State s = sim.solve(d);
    if (k % 250 == 0) {
      const std::vector<double> ref = test::reference_volts(net, d);
      for (int v = 0; v < net.node_count(); ++v) REQUIRE_THAT(s.node_volts[v], WithinAbs(ref[v], 1e-11));
    }
  }
}

void check_flat_memory(int solves, long max_growth_kib) {
  Network net = test::random_network(42, 40, 80);
  NgspiceSimulator sim;
  sim.load(net);
  std::mt19937_64 rng(5);
  churn(sim, net, 300, 50, rng);  // warm-up: allocator pools and ngspice's tables reach size
  const pid_t pid = sim.worker_pid();
  const long before = rss_kib(pid);
  const auto t0 = std::chrono::steady_clock::now();
  churn(sim, net, solves, 50, rng);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const long after = rss_kib(pid);
  REQUIRE(sim.worker_pid() == pid);  // the same worker did all of it
  INFO("worker RSS " << before << " KiB -> " << after << " KiB over " << solves << " solves, "
                     << 1e6 * seconds / solves << " us per update + solve; loads " << sim.counters().circuit_loads
                     << ", alters " << sim.counters().alters);
  CHECK(before > 0);
  if (test::kResidentMemoryIsMeaningful) CHECK(after - before < max_growth_kib);
  WARN("worker RSS " << before << " -> " << after << " KiB over " << solves << " solves ("
                     << 1e6 * seconds / solves << " us each)");
}

}  // namespace

TEST_CASE("ngspice: worker memory stays flat over 2,000 solves with conductance updates", "[ngspice]") {
  check_flat_memory(2000, 3 * 1024);
}

TEST_CASE("ngspice: worker memory stays flat over a 10,000-solve soak", "[ngspice][.slow]") {
  check_flat_memory(10000, 4 * 1024);
}
