// The source on an ngspice-backed bench answers what the ideal solver computes: the stand-in adds
// nothing of its own between the SCPI layer and the simulator. Needs the spiceloop-ngspice-worker
// target built (a full build does; CMakeLists.txt does not yet make test_standins depend on it).
#include <filesystem>

#include <catch2/catch.hpp>

#include "emulator/spice/worker_path.hpp"

#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/spice/ngspice_simulator.hpp"
#include "helpers.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

TEST_CASE("source on ngspice: measured voltages and currents equal the ideal solve", "[ngspice]") {
  REQUIRE(std::filesystem::exists(ngspice_worker_path()));
  NgspiceSimulator sim;
  IdealSimulator reference;
  standins_test::SourceRig rig(sim);
  rig("VOLT 0.7,(@1);VOLT -0.4,(@2);VOLT 1.3,(@3);VOLT 0.2,(@4);:OUTP ON,(@1:4)");
  REQUIRE(rig("SYST:ERR?") == "+0,\"No error\"");

  reference.load(rig.bench.network());
  const State expected = reference.solve(standins_test::free_drive({0.7, -0.4, 1.3, 0.2}));
  const std::vector<double> volts = standins_test::numbers(rig("MEAS:VOLT? (@1:4)"));
  const std::vector<double> amps = standins_test::numbers(rig("MEAS:CURR? (@1:4)"));
  REQUIRE(volts.size() == 4);
  REQUIRE(amps.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    const auto node = static_cast<std::size_t>(rig.bench.network().inputs[i].node);
    CHECK_THAT(volts[i], WithinRel(expected.node_volts[node], 1e-8));
    CHECK_THAT(amps[i], WithinRel(expected.source_amps[i], 1e-6) || WithinAbs(expected.source_amps[i], 1e-12));
  }
  for (int n = 0; n < rig.bench.network().node_count(); ++n)
    CHECK_THAT(rig.bench.measure_node_volts(n), WithinAbs(expected.node_volts[n], 1e-9));

  rig("OUTP OFF,(@3)");
  CHECK(rig("MEAS:VOLT? (@3)") == "+0.00000000E+00");
}
