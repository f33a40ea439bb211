// A bad drive is refused by Simulator's one check (emulator/sim/drive_checks.hpp) before any
// backend sees it: the same id, place and message from the ideal, ngspice and HIL backends, and
// nothing reaches the ngspice worker or the instruments. Guards against a backend growing its own
// drive check again.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "drivers/client/hil/hil_simulator.hpp"
#include "emulator/core/error.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/spice/ngspice_simulator.hpp"
#include "tests/hil/hil_rig.hpp"

using namespace hil_test;
using spiceloop::hil::HilSimulator;
using Catch::Matchers::StartsWith;

namespace {

// "[spiceloop.<id>] <where>: <message>", or what went wrong instead.
std::string refusal(const std::function<void()>& call) {
  try {
    call();
  } catch (const InputError& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("not an InputError: ") + e.what();
  }
  return "no error";
}

struct Backends {
  explicit Backends(const LabRig& rig) : hil(rig.addresses.string()) {}
  IdealSimulator ideal;
  NgspiceSimulator ngspice;
  HilSimulator hil;
  std::vector<Simulator*> all() { return {&ideal, &ngspice, &hil}; }
};

// The refusal of `call` on every backend: all the same, starting with [spiceloop.<id>].
void check_same(Backends& b, const std::string& id, const std::function<void(Simulator&)>& call) {
  const std::string ideal = refusal([&] { call(b.ideal); });
  INFO("ideal: " << ideal);
  CHECK_THAT(ideal, StartsWith("[spiceloop." + id + "] "));
  CHECK(refusal([&] { call(b.ngspice); }) == ideal);
  CHECK(refusal([&] { call(b.hil); }) == ideal);
}

}  // namespace

TEST_CASE("drive checks: a bad drive gets the same id and message from the ideal, ngspice and hil backends",
          "[hil][socket][ngspice]") {
  ScratchDir scratch("hil_same_errors");
  LabRig rig(bundled("benches/lab16_hil.json"), std::make_unique<IdealSimulator>(), scratch.dir);
  Backends b(rig);
  check_same(b, "drive.not_loaded", [](Simulator& s) { s.solve(Drive{}); });

  const Network net = load_network_file(bundled("lab16_digipot.json"));
  for (Simulator* s : b.all()) s->load(net);
  const std::uint64_t round_trips = b.hil.stats().round_trips;
  const std::size_t outputs = net.outputs.size();

  Drive d;
  d.input_volts = {0.1, 0.2};  // the network has 4 inputs
  check_same(b, "drive.size", [&](Simulator& s) { s.solve(d); });

  d = Drive{};
  d.phase = Phase::Clamped;
  d.clamp_volts.assign(outputs, 0.1);
  d.clamp_volts[1] = NAN;
  check_same(b, "drive.not_finite", [&](Simulator& s) { s.solve(d); });

  // The HIL backend has no Nudged phase, but a malformed nudge is refused first, as everywhere.
  d = Drive{};
  d.phase = Phase::Nudged;
  d.nudge_amps = {1e-6};
  check_same(b, "drive.size", [&](Simulator& s) { s.solve(d); });

  d = Drive{};
  d.phase = Phase::Twin;
  d.twin_targets.assign(outputs, 0.2);
  d.twin_eta = 1.5;
  check_same(b, "drive.out_of_range", [&](Simulator& s) { s.solve_twin(d); });
  d.twin_eta = 0.5;
  check_same(b, "drive.wrong_phase", [&](Simulator& s) { s.solve(d); });
  check_same(b, "drive.wrong_phase", [&](Simulator& s) { s.solve_twin(Drive{}); });

  // A batch is checked whole before any of it is solved.
  Drive clamped;
  clamped.phase = Phase::Clamped;
  const std::vector<Drive> batch{Drive{}, clamped};
  check_same(b, "drive.size", [&](Simulator& s) { s.solve_batch(batch); });

  std::vector<double> k = net.conductances();
  check_same(b, "drive.size", [&](Simulator& s) { s.set_conductances(std::vector<double>(k.size() - 1, 1e-3)); });
  k[2] = INFINITY;
  check_same(b, "drive.not_finite", [&](Simulator& s) { s.set_conductances(k); });
  k[2] = -1e-3;
  check_same(b, "drive.out_of_range", [&](Simulator& s) { s.set_conductances(k); });

  // None of it reached the ngspice worker (started at the first solve) or the instruments.
  CHECK(b.ngspice.worker_pid() == -1);
  CHECK(b.hil.stats().round_trips == round_trips);
}
