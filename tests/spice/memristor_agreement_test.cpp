// Memristors with a sinh read (I = G V0 sinh(V / V0), memristor.hpp) through ngspice's behavioural
// current source against the ideal backend's Newton on the same law: every phase, the twin, and
// after conductance updates that the worker alters, agree to 1e-6 of the input range, on a crossbar
// with wire resistance and loads, deep in the nonlinear range (issue 17).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "emulator/network/generators.hpp"
#include "emulator/network/load.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/spice/ngspice_simulator.hpp"
#include "tests/spice/max_gap.hpp"

using namespace spiceloop;
using test::max_gap;

namespace {

Network sinh_crossbar(double read_volts) {
  return parse_network(nlohmann::json::parse(R"({
    "spiceloop": 1, "generator": "crossbar", "rows": 4, "columns": 3, "wire_ohms": 50, "load_ohms": 2e4,
    "input_volts": [0.8, -0.6, 0.4, 0.7], "seed": 5,
    "edge": {"kind": "memristor", "siemens": {"min": 1e-5, "max": 9e-5}, "min_siemens": 1e-6, "max_siemens": 1e-4,
             "model": "soft_bounds", "step_siemens": 1e-6, "read_volts": )" + std::to_string(read_volts) + "}}"));
}

}  // namespace

TEST_CASE("ngspice memristors: a sinh-read crossbar with wires agrees with the ideal backend to 1e-6",
          "[ngspice][memristor]") {
  const Network net = sinh_crossbar(0.25);
  REQUIRE_FALSE(net.is_linear());
  const double scale = 0.8, rel = 1e-6;
  SolverOptions tight;
  tight.reltol = 1e-9;
  tight.vntol_volts = 1e-12;
  tight.abstol_amps = 1e-15;
  NgspiceSimulator spice(tight);
  IdealSimulator ideal(tight);
  spice.load(net);
  ideal.load(net);
  for (int round = 0; round < 2; ++round) {
    const std::vector<double> clamp(net.outputs.size(), 0.05), nudge(net.outputs.size(), 2e-6);
    Drive clamped{Phase::Clamped, {}, clamp, {}, 0.0, {}};
    Drive nudged{Phase::Nudged, {}, {}, nudge, 0.0, {}};
    for (const Drive& d : {Drive{}, clamped, nudged}) {
      INFO(phase_name(d.phase) << " round " << round);
      const State a = spice.solve(d), b = ideal.solve(d);
      CHECK(max_gap(a.node_volts, b.node_volts) < rel * scale);
      // The sinh law is far from linear here: the largest cell drop is several V0.
      double worst_drop = 0.0;
      for (double v : b.edge_volts) worst_drop = std::max(worst_drop, std::abs(v));
      CHECK(worst_drop > 0.25);
    }
    Drive t;
    t.phase = Phase::Twin;
    t.twin_eta = 0.3;
    t.twin_targets.assign(net.outputs.size(), 0.02);
    const TwinState a = spice.solve_twin(t), b = ideal.solve_twin(t);
    CHECK(max_gap(a.free.node_volts, b.free.node_volts) < rel * scale);
    CHECK(max_gap(a.clamped.node_volts, b.clamped.node_volts) < rel * scale);
    // New conductances: the next round runs on altered control sources.
    std::vector<double> g = net.conductances();
    for (std::size_t j = 0; j < g.size(); ++j)
      if (net.edges[j].kind == ElementKind::Memristor) g[j] = 1e-5 + 8e-5 * std::fmod(0.37 * double(j + round) + 0.1, 1.0);
    spice.set_conductances(g);
    ideal.set_conductances(g);
  }
}

TEST_CASE("ngspice memristors: a linear read is a plain resistor card and agrees exactly as resistors do",
          "[ngspice][memristor]") {
  const Network net = sinh_crossbar(0.0);
  REQUIRE(net.is_linear());
  NgspiceSimulator spice;
  IdealSimulator ideal;
  spice.load(net);
  ideal.load(net);
  CHECK(max_gap(spice.solve(Drive{}).node_volts, ideal.solve(Drive{}).node_volts) < 1e-9);
}
