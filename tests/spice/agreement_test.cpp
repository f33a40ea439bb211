// ngspice against exact answers: the Eigen backend (IdealSimulator) and this folder's own sparse
// reference, on random graphs, lattices and crossbars with wire resistance. At the default (tight)
// tolerances a linear network's `op` is one LU solve, so agreement is near machine precision;
// diode networks agree to the Newton tolerances (ngspice also puts gmin across each junction).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/spice/ngspice_simulator.hpp"
#include "emulator/spice/physics_check.hpp"
#include "tests/common/networks.hpp"
#include "tests/spice/reference_solver.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

// Max |a - b| over nodes, relative to the largest source voltage.
double max_relative_gap(const std::vector<double>& a, const std::vector<double>& b, double scale) {
  double worst = 0.0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst / scale;
}

double volts_scale(const Network& net) {
  double s = 0.0;
  for (const Input& in : net.inputs) s = std::max(s, std::abs(in.volts));
  return s;
}

std::vector<Drive> all_phase_drives(const Network& net) {
  const size_t n_out = net.outputs.size();
  Drive f;
  Drive c;
  c.phase = Phase::Clamped;
  for (size_t o = 0; o < n_out; ++o) c.clamp_volts.push_back(0.1 * static_cast<double>(o) - 0.05);
  Drive n;
  n.phase = Phase::Nudged;
  for (size_t o = 0; o < n_out; ++o) n.nudge_amps.push_back((o % 2 ? -1e-5 : 2e-5));
  return {f, c, n};
}

// The network's conductances scaled by a seeded factor in [0.5, 2] each.
std::vector<double> spice_conductances(const Network& net, int round) {
  std::mt19937_64 rng(1000 + round);
  std::uniform_real_distribution<double> factor(0.5, 2.0);
  std::vector<double> k = net.conductances();
  for (double& x : k) x *= factor(rng);
  return k;
}

Drive twin_drive(const Network& net, double eta) {
  Drive t;
  t.phase = Phase::Twin;
  t.twin_eta = eta;
  for (size_t o = 0; o < net.outputs.size(); ++o) t.twin_targets.push_back(o % 2 ? 0.2 : -0.1);
  return t;
}

// Every phase (twin included) through ngspice and the ideal backend, after a conductance update.
void check_agreement(const Network& net, double rel) {
  NgspiceSimulator spice;
  IdealSimulator ideal;
  spice.load(net);
  ideal.load(net);
  Network now = net;  // carries the present conductances, for the reference
  const double scale = volts_scale(net);
  for (int round = 0; round < 2; ++round) {
    for (const Drive& d : all_phase_drives(net)) {
      const State a = spice.solve(d);
      const State b = ideal.solve(d);
      INFO(net.name << " " << phase_name(d.phase) << " round " << round);
      CHECK(max_relative_gap(a.node_volts, b.node_volts, scale) < rel);
      CHECK(max_relative_gap(a.node_volts, test::reference_volts(now, d), scale) < rel);
    }
    const Drive t = twin_drive(net, 0.25);
    const TwinState a = spice.solve_twin(t);
    const TwinState b = ideal.solve_twin(t);
    INFO(net.name << " twin round " << round);
    CHECK(max_relative_gap(a.free.node_volts, b.free.node_volts, scale) < rel);
    CHECK(max_relative_gap(a.clamped.node_volts, b.clamped.node_volts, scale) < rel);
    // Update every conductance by a seeded factor; the next round goes through alters.
    std::vector<double> k = spice_conductances(net, round);
    spice.set_conductances(k);
    ideal.set_conductances(k);
    now.set_conductances(k);
  }
}

}  // namespace

TEST_CASE("ngspice: random networks agree with the ideal backend to 1e-11", "[ngspice]") {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) check_agreement(test::random_network(seed, 25, 40), 1e-11);
}

TEST_CASE("ngspice: lattices agree with the ideal backend to 1e-11", "[ngspice]") {
  check_agreement(test::lattice(5, 8, 8, 2, 2), 1e-11);
}

TEST_CASE("ngspice: crossbars with wire resistance agree with the ideal backend to 1e-11", "[ngspice]") {
  check_agreement(test::crossbar(9, 8, 6, 2.0), 1e-11);
  check_agreement(test::crossbar(10, 16, 16, 0.5), 1e-11);
}

// ngspice 39 computes kT/q from newer constants than network.hpp's kThermalVolts (2.8e-5 relative,
// see physics_check.hpp), which moves forward-biased diode voltages by ~1e-5 V; the ideal
// backend's answer is compared within that, and ngspice's own solution must satisfy KCL under
// ngspice's diode law to 1e-9 of the largest current.
TEST_CASE("ngspice: a diode network agrees with the ideal backend's Newton solution", "[ngspice]") {
  const Network net = test::diode_circuit();
  NgspiceSimulator spice;
  IdealSimulator ideal;
  spice.load(net);
  ideal.load(net);
  const double vt_gap = std::abs(kNgspiceThermalVolts / kThermalVolts - 1.0);
  const double tolerance_volts = vt_gap < 1e-9 ? 1e-8 : 1e-4;
  for (double v1 : {2.0, 0.9, 0.3, -1.0}) {
    Drive d;
    d.input_volts = {v1, 1.2};
    const State a = spice.solve(d);
    const State b = ideal.solve(d);
    INFO("in1 = " << v1);
    for (int v = 1; v < net.node_count(); ++v) CHECK_THAT(a.node_volts[v], WithinAbs(b.node_volts[v], tolerance_volts));
    double max_edge = 0.0;
    const double residual = spice_kcl_residual_amps(net, a, spice.options().gmin_siemens, {}, false, &max_edge);
    CHECK(residual < 1e-9 * max_edge);
  }
  Drive c;
  c.phase = Phase::Clamped;
  c.clamp_volts = {0.4};
  CHECK_THAT(spice.solve(c).node_volts[3], WithinAbs(ideal.solve(c).node_volts[3], tolerance_volts));
}

TEST_CASE("ngspice: digipots are solved at the conductance of their nearest code", "[ngspice]") {
  Network net = test::random_network(21, 12, 10);
  for (int j = 0; j < net.edge_count(); j += 2) {
    Edge& e = net.edges[j];
    e.kind = ElementKind::Digipot;
    e.taps = 128;
    e.r_ab_ohms = 10000.0;
    e.r_wiper_ohms = 50.0;
    e.code = 64;
    e.siemens = digipot_siemens(e, e.code);
  }
  NgspiceSimulator spice;
  spice.load(net);
  std::mt19937_64 rng(4);
  std::uniform_real_distribution<double> log_k(std::log(1e-4), std::log(1e-2));
  for (int round = 0; round < 3; ++round) {
    std::vector<double> k(net.edges.size());
    for (double& x : k) x = std::exp(log_k(rng));
    spice.set_conductances(k);
    net.set_conductances(k);  // snaps the digipots, as the hardware would
    const State s = spice.solve(Drive{});
    const std::vector<double> ref = test::reference_volts(net, Drive{});
    for (int v = 0; v < net.node_count(); ++v) CHECK_THAT(s.node_volts[v], WithinAbs(ref[v], 1e-12));
  }
}

TEST_CASE("ngspice: the twin circuit of a diode network agrees with the ideal backend", "[ngspice]") {
  const Network net = test::diode_circuit();
  NgspiceSimulator spice;
  IdealSimulator ideal;
  spice.load(net);
  ideal.load(net);
  const double tolerance_volts = std::abs(kNgspiceThermalVolts / kThermalVolts - 1.0) < 1e-9 ? 1e-8 : 1e-4;
  Drive t;
  t.phase = Phase::Twin;
  t.twin_eta = 0.5;
  t.twin_targets = {0.2};
  const TwinState a = spice.solve_twin(t);
  const TwinState b = ideal.solve_twin(t);
  for (int v = 1; v < net.node_count(); ++v) {
    CHECK_THAT(a.free.node_volts[v], WithinAbs(b.free.node_volts[v], tolerance_volts));
    CHECK_THAT(a.clamped.node_volts[v], WithinAbs(b.clamped.node_volts[v], tolerance_volts));
  }
}
