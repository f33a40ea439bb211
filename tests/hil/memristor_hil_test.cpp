// A memristive crossbar trained through the instruments (issue 17 item 5): the trainer's pulse
// counts go to the pulser stand-in, which programs the bench's own devices with the same device law
// (emulator/network/memristor.hpp), and the scanner reads the nodes. Noise off (step_noise 0; the
// seeded spread and stuck devices drawn from one seed on both sides), the run through the sockets
// ends where the in-process run ends, exactly: the scanner answers REAL,64 blocks, so no reading
// loses a bit, every pulse count is the in-process one, and the devices take the same steps.
#include <catch2/catch.hpp>

#include <cstdio>
#include <mutex>

#include "drivers/client/hil/hil_simulator.hpp"
#include "emulator/core/error.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "tests/common/experiments.hpp"
#include "tests/hil/hil_rig.hpp"

using namespace hil_test;
using spiceloop::hil::HilSimulator;
using Catch::Matchers::Contains;

namespace {

// The memristors' conductances the bench holds: the truth the pulses made.
std::vector<double> bench_memristors(LabRig& rig) {
  std::lock_guard lock(rig.lab.bench_mutex());
  std::vector<double> k;
  for (const Edge& e : rig.lab.bench().network().edges)
    if (e.kind == ElementKind::Memristor) k.push_back(e.siemens);
  return k;
}

std::vector<double> memristors(const Network& net) {
  std::vector<double> k;
  for (const Edge& e : net.edges)
    if (e.kind == ElementKind::Memristor) k.push_back(e.siemens);
  return k;
}

double train_loss(const TrainConfig& config, Simulator& sim, Network* trained) {
  Trainer t(config, resolve_network(config), sim);
  while (!t.done()) t.step();
  if (trained) *trained = t.network();
  return t.evaluate().train_loss;
}

}  // namespace

TEST_CASE("hil: a memristive crossbar trained by pulses through the ideal stand-ins ends at the in-process "
          "conductances", "[hil][socket]") {
  ScratchDir scratch("hil_memristor_ideal");
  LabRig rig(bundled("benches/memristor_xbar_hil.json"), std::make_unique<IdealSimulator>(), scratch.dir);
  const TrainConfig config = test::bundled_experiment("memristor_hil.json", {{"epochs", 3}});
  const int steps = 3 * 20;

  IdealSimulator ideal;
  Network in_process, looped;
  const double loss_ideal = train_loss(config, ideal, &in_process);
  HilSimulator hil(rig.addresses.string());
  const double loss_hil = train_loss(config, hil, &looped);

  const std::vector<double> start = memristors(resolve_network(config));
  CHECK(memristors(in_process) != start);  // the run moved devices, so equality below means something
  // Tolerance 0: REAL,64 readings are the bench's solve bit for bit (an ASCII scan at 9 digits would
  // leave 5e-9 relative per reading, enough to flip a pulse count rounding at .5 now and then).
  CHECK(bench_memristors(rig) == memristors(in_process));
  CHECK(memristors(looped) == memristors(in_process));  // the trainer's belief is the truth: no noise
  CHECK(loss_hil == loss_ideal);
  // One checked message per step that pulses, never more; every step here pulses some device.
  CHECK(hil.stats().pulse_messages > 0);
  CHECK(hil.stats().pulse_messages <= static_cast<std::uint64_t>(steps));
  CHECK(hil.stats().code_messages == 0);
  std::printf("memristor_hil, %d steps: %llu pulse messages, %llu pulses, %.1f round trips/step\n", steps,
              static_cast<unsigned long long>(hil.stats().pulse_messages),
              static_cast<unsigned long long>(hil.stats().pulses_sent),
              static_cast<double>(hil.stats().round_trips) / steps);
}

TEST_CASE("hil: with cycle-to-cycle noise the bench's devices, not the trainer's model, are what the scanner reads",
          "[hil][socket]") {
  ScratchDir scratch("hil_memristor_noise");
  nlohmann::json net = read_json(bundled("memristor_xbar_hil.json"));
  for (auto& e : net["edges"])
    if (e["kind"] == "memristor") e["step_noise"] = 0.3;
  write_json(scratch.dir / "net.json", net);
  nlohmann::json bench = read_json(bundled("benches/memristor_xbar_hil.json"));
  bench["network"] = (scratch.dir / "net.json").string();
  write_json(scratch.dir / "bench.json", bench);
  LabRig rig((scratch.dir / "bench.json").string(), std::make_unique<IdealSimulator>(), scratch.dir);

  const TrainConfig config =
      test::bundled_experiment("memristor_hil.json", {{"epochs", 2}, {"network", (scratch.dir / "net.json").string()}});
  HilSimulator hil(rig.addresses.string());
  Network looped;
  train_loss(config, hil, &looped);
  // Each side draws its own noise, so the trainer's belief and the bench's truth part ways.
  CHECK(bench_memristors(rig) != memristors(looped));
}

TEST_CASE("hil: more pulses in one step than the pulser's max_count is hil.pulse_count, before anything is sent",
          "[hil][socket]") {
  ScratchDir scratch("hil_memristor_count");
  LabRig rig(bundled("benches/memristor_xbar_hil.json"), std::make_unique<IdealSimulator>(), scratch.dir);
  const TrainConfig config =
      test::bundled_experiment("memristor_hil.json", {{"alpha", 1.0}, {"update", {{"max_pulses", 1000}}}});
  HilSimulator hil(rig.addresses.string());
  Trainer t(config, resolve_network(config), hil);
  const std::vector<double> before = bench_memristors(rig);
  try {
    t.step();
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.id() == "hil.pulse_count");
    CHECK_THAT(std::string(e.what()), Contains("at most 31 per trigger") && Contains("update.max_pulses"));
  }
  CHECK(bench_memristors(rig) == before);
  CHECK(hil.stats().pulse_messages == 0);
}
