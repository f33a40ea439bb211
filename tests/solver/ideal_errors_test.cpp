// What the ideal backend refuses, and how it says so: ids, locations and messages.
#include <catch2/catch.hpp>

#include "emulator/core/error.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "tests/common/networks.hpp"

using namespace spiceloop;
using Catch::Matchers::Contains;

namespace {

template <typename E, typename F>
E thrown(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e;
  }
  throw std::logic_error("the call did not throw the expected error type");
}

IdealSimulator loaded(const Network& net) {
  IdealSimulator sim;
  sim.load(net);
  return sim;
}

}  // namespace

TEST_CASE("ideal solver: a drive of the wrong size names the field", "[solver]") {
  IdealSimulator sim = loaded(test::random_network(1, 10, 10, 2, 3));
  Drive d;
  d.input_volts = {1.0};
  auto e = thrown<InputError>([&] { sim.solve(d); });
  REQUIRE(e.id() == "drive.size");
  REQUIRE(e.where() == "drive.input_volts");
  REQUIRE(e.message() == "expected 2 value(s), one per network input, got 1");

  d = Drive{};
  d.phase = Phase::Clamped;
  e = thrown<InputError>([&] { sim.solve(d); });
  REQUIRE(e.where() == "drive.clamp_volts");
  REQUIRE(e.message() == "expected 3 value(s), one per network output, got 0");

  d = Drive{};
  d.phase = Phase::Nudged;
  d.nudge_amps = {0.0, 0.0};
  REQUIRE(thrown<InputError>([&] { sim.solve(d); }).where() == "drive.nudge_amps");

  d = Drive{};
  d.phase = Phase::Twin;
  d.twin_eta = 0.5;
  REQUIRE(thrown<InputError>([&] { sim.solve_twin(d); }).where() == "drive.twin_targets");
  d.twin_targets = {0.0, 0.0, 0.0};
  d.twin_eta = 0.0;
  e = thrown<InputError>([&] { sim.solve_twin(d); });
  REQUIRE(e.id() == "drive.out_of_range");
  REQUIRE(e.where() == "drive.twin_eta");

  d = Drive{};
  d.phase = Phase::Clamped;
  d.clamp_volts = {0.0, NAN, 0.0};
  e = thrown<InputError>([&] { sim.solve(d); });
  REQUIRE(e.id() == "drive.not_finite");
  REQUIRE(e.where() == "drive.clamp_volts[1]");
  REQUIRE_THAT(e.what(),
               Contains("[spiceloop.drive.not_finite] drive.clamp_volts[1]: value nan is not finite"));
}

TEST_CASE("ideal solver: twin drives go through solve_twin only", "[solver]") {
  IdealSimulator sim = loaded(test::divider(1.0, 1.0, 1.0));
  Drive twin;
  twin.phase = Phase::Twin;
  REQUIRE(thrown<InputError>([&] { sim.solve(twin); }).id() == "drive.wrong_phase");
  REQUIRE(thrown<InputError>([&] { sim.solve_twin(Drive{}); }).id() == "drive.wrong_phase");
  const std::vector<Drive> batch{Drive{}, twin};
  REQUIRE(thrown<InputError>([&] { sim.solve_batch(batch); }).id() == "drive.wrong_phase");
}

TEST_CASE("ideal solver: solving before a network is loaded is an error", "[solver]") {
  IdealSimulator sim;
  REQUIRE(thrown<InputError>([&] { sim.solve(Drive{}); }).id() == "drive.not_loaded");
  REQUIRE(thrown<InputError>([&] { sim.set_conductances(std::vector<double>{}); }).id() ==
          "drive.not_loaded");
  REQUIRE(thrown<InputError>([&] { sim.network(); }).id() == "drive.not_loaded");
}

TEST_CASE("ideal solver: bad conductances name the edge", "[solver]") {
  IdealSimulator sim = loaded(test::divider(1.0, 1.0, 1.0));
  auto e = thrown<InputError>([&] { sim.set_conductances(std::vector<double>{1.0}); });
  REQUIRE(e.id() == "drive.size");
  REQUIRE(e.message() == "expected 2 value(s), one per edge, got 1");
  e = thrown<InputError>([&] { sim.set_conductances(std::vector<double>{1.0, -2.0}); });
  REQUIRE(e.id() == "drive.out_of_range");
  REQUIRE(e.where() == "edges[1] 'R2'");
  e = thrown<InputError>([&] { sim.set_conductances(std::vector<double>{INFINITY, 1.0}); });
  REQUIRE(e.id() == "drive.not_finite");
  REQUIRE(e.where() == "edges[0] 'R1'");
}

TEST_CASE("ideal solver: a malformed network is refused at load", "[solver]") {
  IdealSimulator sim;
  Network net = test::divider(1.0, 1.0, 1.0);
  net.edges[1].b = 7;
  auto e = thrown<InputError>([&] { sim.load(net); });
  REQUIRE(e.id() == "drive.network");
  REQUIRE(e.where() == "edges[1] 'R2'");

  net = test::divider(1.0, 1.0, 1.0);
  net.outputs = {1};  // the input node
  REQUIRE(thrown<InputError>([&] { sim.load(net); }).where() == "outputs[0]");

  net = test::divider(1.0, 1.0, 1.0);
  test::add_diode(net, 1, 2, 0.0);
  REQUIRE(thrown<InputError>([&] { sim.load(net); }).where() == "edges[2] 'd2'");
}

TEST_CASE("ideal solver: a floating island is a singular system that names a node", "[solver]") {
  Network net = test::divider(1000.0, 1000.0, 1.0);
  const int a = test::add_node(net, "island_a"), b = test::add_node(net, "island_b");
  test::add_resistor(net, a, b, 1e-3);
  IdealSimulator sim = loaded(net);
  auto e = thrown<SimulationError>([&] { sim.solve(Drive{}); });
  REQUIRE(e.id() == "solver.singular");
  REQUIRE(e.where() == "node 'island_a'");
  REQUIRE_THAT(e.message(), Contains("floats with 1 other node(s)"));

  // A zero conductance is an open circuit: fine while another edge holds the node, singular once
  // none does.
  net = test::divider(1000.0, 1000.0, 1.0);
  sim.load(net);
  sim.set_conductances(std::vector<double>{1e-3, 0.0});
  REQUIRE(sim.solve(Drive{}).node_volts[2] == 1.0);
  sim.set_conductances(std::vector<double>{0.0, 0.0});
  e = thrown<SimulationError>([&] { sim.solve(Drive{}); });
  REQUIRE(e.where() == "node 'out'");
  REQUIRE_THAT(e.message(), Contains("no conducting edge joins it"));
}

TEST_CASE("ideal solver: a node that floats only in the free phase solves when clamped",
          "[solver]") {
  // out -- h, and nothing else: h is fixed only once out is held.
  Network net = test::empty_network("dangling");
  const int in = test::add_node(net, "in"), out = test::add_node(net, "out"),
            h = test::add_node(net, "h");
  test::add_resistor(net, in, 0, 1e-3);
  test::add_resistor(net, out, h, 1e-3);
  net.inputs = {{in, 1.0}};
  net.outputs = {out};
  IdealSimulator sim = loaded(net);
  REQUIRE(thrown<SimulationError>([&] { sim.solve(Drive{}); }).id() == "solver.singular");
  Drive d;
  d.phase = Phase::Clamped;
  d.clamp_volts = {0.25};
  REQUIRE(sim.solve(d).node_volts[h] == 0.25);
}

TEST_CASE("ideal solver: a negligible conductance is caught as numerically singular", "[solver]") {
  Network net = test::divider(1000.0, 1000.0, 1.0);
  const int a = test::add_node(net, "weak_a"), b = test::add_node(net, "weak_b");
  test::add_resistor(net, a, b, 1.0);
  test::add_resistor(net, b, 2, 1e-300);
  IdealSimulator sim = loaded(net);
  auto e = thrown<SimulationError>([&] { sim.solve(Drive{}); });
  REQUIRE(e.id() == "solver.singular");
  REQUIRE_THAT(e.where(), Contains("weak_"));
  REQUIRE_THAT(e.message(), Contains("numerically singular"));
}
