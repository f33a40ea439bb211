// The pulser's SCPI side on the memristor_xbar_hil bench (channels 1..8 on the memristors m0_0..
// m3_1, at most 31 pulses per trigger, devices drawn from seed 1): pulses move each device exactly
// as the device law moves it, the devices are the ones a training run of the same seed draws, and
// every bad unit is an error-queue entry that changes nothing.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "drivers/scpi/session.hpp"
#include "drivers/standins/pulser/pulser.hpp"
#include "emulator/learning/rules/update.hpp"
#include "emulator/network/load.hpp"
#include "emulator/network/memristor.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "helpers.hpp"

using namespace spiceloop;
using standins_test::ask;

namespace {

struct PulserRig {
  PulserRig()
      : bench(load_bench_file(standins_test::bench_path("memristor_xbar_hil.json")), sim),
        pulser(bench),
        session(pulser.tree(), pulser.status()) {}

  std::string operator()(std::string_view line) { return ask(session, line); }
  const Edge& edge(int channel) const {
    return bench.network().edges[static_cast<std::size_t>(pulser.array().edge(channel))];
  }
  // A channel whose device is not stuck (the bench's seed sticks some).
  int free_channel(int skip = 0) const {
    for (int ch : pulser.array().channels())
      if (ch != skip && pulser.array().device(ch).stuck == Stuck::None) return ch;
    FAIL("every device is stuck");
    return 0;
  }

  IdealSimulator sim;
  Bench bench;
  standins::Pulser pulser;
  scpi::Session session;
};

// The device law on its own: |n| pulses from g, no noise draws (step_noise is 0 on this bench).
double law(const PulserRig& rig, int channel, double g, int n) {
  Rng unused = Rng::stream(99, RandomStream::Training);
  return apply_pulses(rig.pulser.array().device(channel), rig.edge(channel).memristor, g, n, unused);
}

std::vector<double> all_siemens(const PulserRig& rig) {
  std::vector<double> k;
  for (int ch : rig.pulser.array().channels()) k.push_back(rig.pulser.array().siemens(ch));
  return k;
}

}  // namespace

TEST_CASE("pulser: the devices are those a training run of the same seed draws and places", "[pulser]") {
  PulserRig rig;
  Network net = load_network_file(test::bundled("memristor_xbar_hil.json"));
  const Updater updater(UpdateSpec{}, net, 1);
  updater.place_devices(net);
  for (int ch : rig.pulser.array().channels()) {
    const auto j = static_cast<std::size_t>(rig.pulser.array().edge(ch));
    const MemristorDevice& a = rig.pulser.array().device(ch);
    const MemristorDevice& b = updater.device(j);
    CHECK(a.step_up_siemens == b.step_up_siemens);
    CHECK(a.step_down_siemens == b.step_down_siemens);
    CHECK(a.min_siemens == b.min_siemens);
    CHECK(a.max_siemens == b.max_siemens);
    CHECK(a.stuck == b.stuck);
    CHECK(rig.pulser.array().siemens(ch) == net.edges[j].siemens);
  }
}

TEST_CASE("pulser: INIT sends each listed channel its count of pulses, the amplitude's sign being the direction",
          "[pulser]") {
  PulserRig rig;
  const int up = rig.free_channel(), down = rig.free_channel(up);
  const double g_up = rig.pulser.array().siemens(up), g_down = rig.pulser.array().siemens(down);
  const std::string u = std::to_string(up), d = std::to_string(down);
  CHECK(rig("PULS:AMPL 1.5,(@" + u + ");AMPL -800 mV,(@" + d + ");COUN 3,(@" + u + ");COUN 2,(@" + d + ")") == "");
  CHECK(rig("PULS:AMPL? (@" + d + "," + u + ");COUN? (@" + d + "," + u + ")") == "-8.00000000E-01,+1.50000000E+00;+2,+3");
  const double s0 = rig.bench.solve_count();
  CHECK(rig("INIT (@" + u + "," + d + ");*OPC?") == "1");
  CHECK(rig.pulser.array().siemens(up) == law(rig, up, g_up, 3));
  CHECK(rig.pulser.array().siemens(down) == law(rig, down, g_down, -2));
  CHECK(rig.pulser.array().siemens(up) > g_up);
  CHECK(rig.pulser.array().siemens(down) < g_down);
  // The circuit every instrument measures holds the programmed devices.
  const std::vector<double> k = rig.bench.true_conductances();
  CHECK(k[static_cast<std::size_t>(rig.pulser.array().edge(up))] == rig.pulser.array().siemens(up));
  CHECK(rig.bench.solve_count() == s0);  // programming is lazy: the next reading solves
  CHECK(rig("SYST:ERR?") == "+0,\"No error\"");
}

TEST_CASE("pulser: a bad channel, count or amplitude is an error-queue entry and nothing fires", "[pulser]") {
  PulserRig rig;
  const std::vector<double> before = all_siemens(rig);
  const auto error_after = [&](const std::string& line) {
    CHECK(rig(line) == "");
    return rig("SYST:ERR?");
  };
  CHECK(error_after("INIT (@1,9)") == "-222,\"Data out of range;channel 9 not installed (@1:8)\"");
  CHECK(error_after("PULS:COUN 32,(@1)") == "-222,\"Data out of range;count +3.20000000E+01 outside 1..31 (this pulser's maximum)\"");
  CHECK(error_after("PULS:COUN 0,(@1)") == "-222,\"Data out of range;count +0.00000000E+00 outside 1..31 (this pulser's maximum)\"");
  CHECK(error_after("PULS:COUN -3,(@1)").rfind("-222,", 0) == 0);
  CHECK(error_after("PULS:COUN 2.5,(@1)").rfind("-222,", 0) == 0);
  CHECK(error_after("PULS:COUN 3,(@1,0)") == "-222,\"Data out of range;channel 0 not installed (@1:8)\"");
  CHECK(error_after("PULS:AMPL 0,(@1)") ==
        "-222,\"Data out of range;amplitude +0.00000000E+00 V; a pulse needs 0 < |V| <= +1.00000000E+01 V, its sign "
        "is the direction (+ up, - down)\"");
  CHECK(error_after("PULS:AMPL -11,(@1)").rfind("-222,", 0) == 0);
  CHECK(error_after("PULS:AMPL 1").rfind("-109,", 0) == 0);
  CHECK(error_after("INIT").rfind("-109,", 0) == 0);
  CHECK(error_after("PULS:COUN 3 A,(@1)") == "-138,\"Suffix not allowed\"");
  CHECK(rig("PULS:COUN? (@1);AMPL? (@1)") == "+1;+1.00000000E+00");  // no refused unit changed anything
  CHECK(rig("SYST:ERR?") == "+0,\"No error\"");
  CHECK(all_siemens(rig) == before);
}

TEST_CASE("pulser: MAX is the bench's max_count, *RST keeps the devices, MEMR:PRES is a fresh chip", "[pulser]") {
  PulserRig rig;
  CHECK(rig("SYST:CHAN?;CHAN:LIST?") == "+8;(@1:8)");
  CHECK(rig("PULS:COUN MAX,(@1:8);COUN? (@8,1)") == "+31,+31");
  const std::vector<double> fresh = all_siemens(rig);
  CHECK(rig("INIT (@1:8);*OPC?") == "1");
  const std::vector<double> programmed = all_siemens(rig);
  CHECK(programmed != fresh);
  CHECK(rig("*RST;PULS:COUN? (@1);AMPL? (@1)") == "+1;+1.00000000E+00");
  CHECK(all_siemens(rig) == programmed);  // non-volatile
  CHECK(rig("MEMR:PRES;*OPC?") == "1");
  CHECK(all_siemens(rig) == fresh);
}
