// Training through the sockets ends where training in-process ends: the same experiment on the
// HIL backend (the lab's stand-ins on simulator X) and in-process on X gives the same digipot codes,
// and the digipot stand-in holds them. Noise is off on these benches.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>

#include "drivers/client/digipot_client.hpp"
#include "drivers/client/hil/hil_simulator.hpp"
#include "drivers/client/scpi_client.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/spice/ngspice_simulator.hpp"
#include "tests/common/experiments.hpp"
#include "tests/hil/hil_rig.hpp"

using namespace hil_test;
using spiceloop::hil::HilSimulator;

namespace {

// What the digipot stand-in reads back, in edge order (lab16_hil: channel j + 1 is edge e<j>).
std::vector<int> stand_in_codes(LabRig& rig, const HilSimulator& hil) {
  client::DigipotClient dpot(rig.address("digipots"));
  client::Channels channels(hil.bench().network.edges.size(), 0);
  for (const DigipotChannel& d : hil.bench().digipots) channels[static_cast<std::size_t>(d.edge)] = d.channel;
  return dpot.codes(channels);
}

}  // namespace

TEST_CASE("hil: the sign rule through the ideal stand-ins ends with the in-process ideal codes", "[hil][socket]") {
  ScratchDir scratch("hil_sign_ideal");
  LabRig rig(bundled("benches/lab16_hil.json"), std::make_unique<IdealSimulator>(), scratch.dir);
  const TrainConfig config = test::bundled_experiment("sign_rule.json", {{"epochs", 40}});

  const auto since = [](auto t) { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count(); };
  IdealSimulator ideal;
  auto t0 = std::chrono::steady_clock::now();
  const Network in_process = train(config, ideal);
  const double in_process_seconds = since(t0);
  HilSimulator hil(rig.addresses.string());
  t0 = std::chrono::steady_clock::now();
  const Network looped = train(config, hil);
  const double seconds = since(t0);

  const std::vector<int> initial = codes_of(resolve_network(config));
  CHECK(codes_of(in_process) != initial);  // the run moved taps, so equality below means something
  CHECK(codes_of(looped) == codes_of(in_process));
  CHECK(hil.sent_codes() == codes_of(in_process));
  CHECK(stand_in_codes(rig, hil) == codes_of(in_process));
  // One scan configuration for the whole run; a twin solve is two phases read.
  CHECK(hil.stats().scan_configures == 1);
  CHECK(hil.stats().solves == 2 * 40);
  // Per step at most: two source syncs, two READ?, one DPOT:CODE (checked).
  CHECK(hil.stats().round_trips <= 1 + 1 + 5 * 40);
  std::printf("sign_rule, 40 steps: hil (ideal stand-ins) %.0f steps/s, %.1f round trips/step; in-process ideal %.0f steps/s\n",
              40 / seconds, static_cast<double>(hil.stats().round_trips) / 40, 40 / in_process_seconds);
}

TEST_CASE("hil: the sign rule through ngspice stand-ins ends with the in-process ngspice codes", "[hil][socket][ngspice]") {
  ScratchDir scratch("hil_sign_ngspice");
  LabRig rig(bundled("benches/lab16_hil.json"), std::make_unique<NgspiceSimulator>(), scratch.dir);
  const TrainConfig config = test::bundled_experiment("sign_rule.json", {{"epochs", 15}});

  NgspiceSimulator spice(config.tolerances);
  const Network in_process = train(config, spice);
  HilSimulator hil(rig.addresses.string());
  const Network looped = train(config, hil);
  CHECK(codes_of(in_process) != codes_of(resolve_network(config)));
  CHECK(codes_of(looped) == codes_of(in_process));
  CHECK(stand_in_codes(rig, hil) == codes_of(in_process));
}

TEST_CASE("hil: quantised CL with the Clamped phase (not twin) matches in-process", "[hil][socket]") {
  ScratchDir scratch("hil_cl_clamped");
  LabRig rig(bundled("benches/lab16_hil.json"), std::make_unique<IdealSimulator>(), scratch.dir);
  const TrainConfig config = test::bundled_experiment(
      "sign_rule.json", {{"epochs", 30}, {"rule", {{"twin", false}}}, {"alpha", 2e-6}, {"update", {{"mode", "quantised"}, {"sign_deadband", nullptr}}}});
  REQUIRE_FALSE(config.rule.twin);

  IdealSimulator ideal;
  const Network in_process = train(config, ideal);
  HilSimulator hil(rig.addresses.string());
  const Network looped = train(config, hil);
  CHECK(codes_of(in_process) != codes_of(resolve_network(config)));
  CHECK(codes_of(looped) == codes_of(in_process));
  CHECK(stand_in_codes(rig, hil) == codes_of(in_process));
  CHECK(hil.stats().solves == 2 * 30);  // one free and one clamped phase per step
}

TEST_CASE("hil: continuous CL on digipots (nearest tap) matches in-process", "[hil][socket]") {
  ScratchDir scratch("hil_cl_continuous");
  LabRig rig(bundled("benches/lab16_hil.json"), std::make_unique<IdealSimulator>(), scratch.dir);
  const TrainConfig config = test::bundled_experiment(
      "sign_rule.json", {{"epochs", 30}, {"rule", {{"twin", false}}}, {"alpha", 2e-6}, {"update", {{"mode", "continuous"}, {"sign_deadband", nullptr}}}});
  IdealSimulator ideal;
  const Network in_process = train(config, ideal);
  HilSimulator hil(rig.addresses.string());
  const Network looped = train(config, hil);
  CHECK(codes_of(in_process) != codes_of(resolve_network(config)));
  CHECK(codes_of(looped) == codes_of(in_process));
}

TEST_CASE("hil: errors another client left in the instruments' queues do not abort training", "[hil][socket]") {
  // Regression: the first checked setting read a stale error as its own and training aborted.
  ScratchDir scratch("stale_errors");
  LabRig rig(bundled("benches/lab16_hil.json"), std::make_unique<IdealSimulator>(), scratch.dir);
  for (const char* name : {"source", "scanner", "digipots"}) {
    client::ScpiClient other(rig.address(name), client::ClientOptions{.clear_on_connect = false});
    other.write("NOT:A:COMMAND");
    REQUIRE(other.query("SYST:ERR:COUN?") == "+1");
  }
  const TrainConfig config = test::bundled_experiment("sign_rule.json", {{"epochs", 10}});
  IdealSimulator ideal;
  const Network in_process = train(config, ideal);
  HilSimulator hil(rig.addresses.string());
  Network looped;
  REQUIRE_NOTHROW(looped = train(config, hil));
  CHECK(codes_of(looped) == codes_of(in_process));
}
