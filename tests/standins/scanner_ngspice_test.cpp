// The scanner on an ngspice-backed bench answers what the ideal solver computes: the stand-in adds
// nothing of its own between the SCPI layer and the simulator, for single-ended and differential
// channels alike. Needs the spiceloop-ngspice-worker target built (test_standins depends on it).
#include <filesystem>

#include <catch2/catch.hpp>

#include "emulator/spice/worker_path.hpp"

#include "drivers/standins/scanner/scanner.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/spice/ngspice_simulator.hpp"
#include "helpers.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

TEST_CASE("scanner on ngspice: a scan of every channel equals the ideal solve", "[ngspice]") {
  REQUIRE(std::filesystem::exists(ngspice_worker_path()));
  NgspiceSimulator sim;
  IdealSimulator reference;
  standins_test::SourceRig rig(sim);
  standins::Scanner scanner(rig.bench);
  scpi::Session session(scanner.tree(), scanner.status());
  rig("VOLT 0.7,(@1);VOLT -0.4,(@2);VOLT 1.3,(@3);VOLT 0.2,(@4);:OUTP ON,(@1:4)");
  REQUIRE(rig("SYST:ERR?") == "+0,\"No error\"");

  reference.load(rig.bench.network());
  const State expected = reference.solve(standins_test::free_drive({0.7, -0.4, 1.3, 0.2}));
  standins_test::ask(session, "CONF:VOLT:DC (@101:110);:TRIG:COUN 2");
  const std::vector<double> volts = standins_test::numbers(standins_test::ask(session, "READ?"));
  REQUIRE(volts.size() == 20);
  for (std::size_t i = 0; i < volts.size(); ++i) {
    const ScannerChannel* c = rig.bench.find_scanner_channel(101 + static_cast<int>(i % 10));
    REQUIRE(c != nullptr);
    const double v = expected.node_volts[static_cast<std::size_t>(c->plus)] - expected.node_volts[static_cast<std::size_t>(c->minus)];
    CHECK_THAT(volts[i], WithinRel(v, 1e-8) || WithinAbs(v, 1e-9));
  }
  CHECK(standins_test::ask(session, "SYST:ERR?") == "+0,\"No error\"");
}
