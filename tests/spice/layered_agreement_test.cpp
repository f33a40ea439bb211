// Layered diode networks (generator "layered", Kendall et al. 2020 / EBANA) through ngspice against
// the ideal backend's Newton: every phase and the twin, at two sets of conductances (the second
// reaches ngspice by alters), agree to 1e-6 V at every node (issue 13). The conductances are set
// so that hidden diodes conduct (over 1 uA), so the agreement covers the exponential branch.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "emulator/network/generators.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/spice/ngspice_simulator.hpp"
#include "tests/spice/max_gap.hpp"

using namespace spiceloop;
using test::max_gap;

namespace {

// The largest diode current of a state, in amperes.
double max_diode_amps(const Network& net, const State& s) {
  double worst = 0.0;
  for (int j = 0; j < net.edge_count(); ++j)
    if (net.edges[j].kind == ElementKind::Diode) worst = std::max(worst, std::abs(s.edge_amps[j]));
  return worst;
}

void check_agreement(const Network& net) {
  const double tolerance_volts = 1e-6;
  NgspiceSimulator spice;
  IdealSimulator ideal;
  spice.load(net);
  ideal.load(net);
  const std::size_t outputs = net.outputs.size();
  Network now = net;
  for (int round = 0; round < 2; ++round) {
    // Weights from the +x half of each pair ten times the others (positive x): the hidden nodes
    // leave zero far enough for their diodes to conduct. Round 1 runs on altered resistors.
    std::vector<double> k = now.conductances();
    for (std::size_t j = 0; j < k.size(); ++j) {
      const Edge& e = now.edges[j];
      if (!e.trainable) continue;
      const std::string& from = now.node_names[e.a];
      k[j] = (1e-5 + 9e-6 * std::fmod(0.37 * static_cast<double>(j + 5 * round) + 0.1, 1.0)) *
             (from.size() == 3 && from[0] == 'x' && from[2] == 'p' ? 10.0 : 1.0);
    }
    spice.set_conductances(k);
    ideal.set_conductances(k);
    now.set_conductances(k);
    Drive clamped{Phase::Clamped, {}, std::vector<double>(outputs, 0.3), {}, 0.0, {}};
    Drive nudged{Phase::Nudged, {}, {}, std::vector<double>(outputs, -2e-5), 0.0, {}};
    double diode_amps = 0.0;
    for (const Drive& d : {Drive{}, clamped, nudged}) {
      const State a = spice.solve(d), b = ideal.solve(d);
      INFO(net.name << " " << phase_name(d.phase) << " round " << round);
      CHECK(max_gap(a.node_volts, b.node_volts) < tolerance_volts);
      diode_amps = std::max(diode_amps, max_diode_amps(now, b));
    }
    CHECK(diode_amps > 1e-6);  // the nonlinearity is in play
    Drive t;
    t.phase = Phase::Twin;
    t.twin_eta = 0.5;
    t.twin_targets = std::vector<double>(outputs, -0.2);
    const TwinState a = spice.solve_twin(t), b = ideal.solve_twin(t);
    CHECK(max_gap(a.free.node_volts, b.free.node_volts) < tolerance_volts);
    CHECK(max_gap(a.clamped.node_volts, b.clamped.node_volts) < tolerance_volts);
  }
}

nlohmann::json edge_range() { return nlohmann::json::parse(R"({"siemens": {"min": 1e-5, "max": 1e-4}})"); }

}  // namespace

TEST_CASE("ngspice layered: a 2-4-1 diode network agrees with the ideal backend to 1e-6 V", "[ngspice]") {
  LayeredOptions o;
  o.layers = {2, 4, 1};
  o.input_volts = {2.0, 1.5};
  o.seed = 3;
  o.edge.low = 1e-5;
  o.edge.high = 1e-4;
  check_agreement(make_layered(o));
}

TEST_CASE("ngspice layered: two hidden layers, rails off ground and output diodes agree to 1e-6 V", "[ngspice]") {
  nlohmann::json spec = {{"generator", "layered"}, {"layers", {3, 5, 4, 2}}, {"seed", 7},
                         {"input_volts", {2.0, 1.0, 1.5}}, {"bias_volts", {1.5, 0.0, -0.5}},
                         {"diode_rails_volts", {-0.3, 0.4}}, {"diodes", "all"}, {"edge", edge_range()}};
  check_agreement(generate_network(spec));
}
