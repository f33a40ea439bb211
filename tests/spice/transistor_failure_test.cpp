// A transistor deck ngspice cannot solve: a clear error that names the node and the edge ngspice
// blames, at once (ngspice's own gmin stepping at gmin 0 retried forever: the solve then waited
// out the worker's 60 s reply timeout).
#include <catch2/catch.hpp>

#include <cmath>
#include <tuple>

#include "emulator/core/error.hpp"
#include "emulator/network/generators.hpp"
#include "emulator/spice/ngspice_simulator.hpp"
#include "tests/common/networks.hpp"

using namespace spiceloop;

namespace {

// in -(m1)- x -(m2)- ground with both gates below threshold: x is joined only by cut-off
// channels, and with no gmin nothing fixes its voltage. A divider keeps the output defined.
Network cut_off_node() {
  Network net = test::empty_network("cut");
  const int in = test::add_node(net, "in"), x = test::add_node(net, "x"), out = test::add_node(net, "out");
  for (auto [name, a, b] : {std::tuple{"m1", in, x}, std::tuple{"m2", x, 0}}) {
    Edge e = transistor_edge(name, a, b, 0.3, true);
    e.min_gate_volts = 0.0;
    net.edges.push_back(e);
  }
  test::add_resistor(net, in, out, 1e-3, false);
  test::add_resistor(net, out, 0, 1e-3, false);
  net.inputs = {{in, 0.45}};
  net.outputs = {out};
  return net;
}

}  // namespace

TEST_CASE("ngspice: a transistor deck that cannot converge fails at once, naming the node and the transistor",
          "[spice][transistor]") {
  SolverOptions no_gmin;
  no_gmin.gmin_siemens = 0.0;
  NgspiceSimulator spice(no_gmin);
  spice.load(cut_off_node());
  for (int attempt = 0; attempt < 2; ++attempt) {  // the failed circuit is reloaded, and fails again
    try {
      spice.solve(Drive{});
      FAIL("solved a node that nothing fixes");
    } catch (const SimulationError& e) {
      INFO(e.what());
      CHECK(e.id() == "spice.solve_failed");  // not spice.worker_timeout: no hang
      CHECK_THAT(e.what(), Catch::Matchers::Contains("node 'x' (edges 'm1', 'm2')"));
      CHECK_THAT(e.what(), Catch::Matchers::Contains("edge 'm1' (transistor)"));
    }
  }
  NgspiceSimulator with_gmin;  // the default gmin leaks the node to the body: solvable
  with_gmin.load(cut_off_node());
  CHECK(std::abs(with_gmin.solve(Drive{}).node_volts[2]) < 1e-6);
}
