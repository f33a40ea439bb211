// The learning network on an ngspice-backed bench learns what the ideal in-process steps learn:
// the stand-in adds nothing between the SCPI layer and the simulator but the twin solve and the
// update. Tolerances: ngspice solves to reltol 1e-9 (SolverOptions defaults), so conductances agree
// to about that after a few clocks, not bit for bit.
#include <filesystem>

#include <catch2/catch.hpp>

#include "emulator/spice/worker_path.hpp"

#include "emulator/spice/ngspice_simulator.hpp"
#include "learning_network_rig.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using standins_test::numbers;

TEST_CASE("learning network on ngspice: CL clocks and twin voltages equal the ideal direct steps", "[ngspice]") {
  REQUIRE(std::filesystem::exists(ngspice_worker_path()));
  NgspiceSimulator sim;
  learning_network_test::LearningNetworkRig rig(sim);
  const std::vector<double> inputs{1.0, -1.0, 1.0, -1.0}, targets{0.3, -0.2, 0.1};
  rig.drive_inputs(inputs);
  rig("LEAR:ETA 0.5;RATE 5e-6");
  rig(learning_network_test::targets_command(targets));

  learning_network_test::Oracle oracle(rig.bench.network(), RuleKind::CoupledLearning, UpdateMode::Continuous, inputs, targets, 0.5, 0.0, 5e-6);
  Drive twin = standins_test::free_drive(inputs);
  twin.phase = Phase::Twin;
  twin.twin_eta = 0.5;
  twin.twin_targets = targets;
  const TwinState expected = oracle.sim.solve_twin(twin);
  const auto free = numbers(rig("NODE:VOLT? FREE"));
  const auto clamped = numbers(rig("NODE:VOLT? CLAM"));
  REQUIRE(free.size() == 9);
  REQUIRE(clamped.size() == 9);
  for (std::size_t n = 0; n < 9; ++n) {
    CHECK_THAT(free[n], WithinAbs(expected.free.node_volts[n + 1], 1e-9));
    CHECK_THAT(clamped[n], WithinAbs(expected.clamped.node_volts[n + 1], 1e-9));
  }

  rig("LEAR:CLOC 5");
  for (int i = 0; i < 5; ++i) oracle.step();
  const auto k = numbers(rig("EDGE:COND?"));
  const auto k_ideal = oracle.net.conductances();
  REQUIRE(k.size() == k_ideal.size());
  for (std::size_t j = 0; j < k.size(); ++j) CHECK_THAT(k[j], WithinRel(k_ideal[j], 1e-7));
  CHECK(rig("SYST:ERR?") == "+0,\"No error\"");
}
