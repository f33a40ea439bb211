// The self-learning network stand-in, driven over SCPI as a socket would, against two references:
// the in-process learning code (rule.hpp + Updater on an IdealSimulator, and the Trainer itself),
// and plain ideal solves of the same circuit.
#include <cmath>
#include <cstdlib>
#include <cstring>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "drivers/standins/learning_network/learning_network.hpp"
#include "emulator/learning/config.hpp"
#include "emulator/learning/rules/rule.hpp"
#include "emulator/learning/trainer.hpp"
#include "emulator/learning/rules/update.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "learning_network_rig.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using learning_network_test::LearningNetworkRig;
using learning_network_test::Oracle;
using learning_network_test::targets_command;
using standins_test::numbers;

namespace {

const std::vector<double> kInputs{1.0, -1.0, 1.0, -1.0};
const std::vector<double> kTargets{0.3, -0.2, 0.1};  // inside the inputs' range: reachable, allostery-like

}  // namespace

TEST_CASE("learning network: *IDN? and the counts of outputs, edges and nodes") {
  IdealSimulator sim;
  LearningNetworkRig rig(sim);
  CHECK(rig("*IDN?") == "spiceloop,LEARNING-NETWORK-emulated,SL-LEARN-0001,0.1");
  CHECK(rig("LEARN:TARG:COUN?") == "+3");
  CHECK(rig("EDGE:COUN?") == "+16");
  CHECK(rig("NODE:COUNT?") == "+9");
  CHECK(rig("EDGE:NAME? (@1,16)") == "\"e0\",\"e15\"");
  CHECK(rig("NODE:NAME? (@9,1)") == "\"n9\",\"n1\"");
  CHECK(rig("SYST:ERR?") == "+0,\"No error\"");
}

TEST_CASE("learning network: settings answer as set, in short and long forms, and *RST restores them") {
  IdealSimulator sim;
  LearningNetworkRig rig(sim);
  CHECK(rig("LEAR:RULE?") == "CL");
  rig("LEARN:RULE EP;ETA 0.25;BETA 2e-5 S;RATE 3e-6");
  CHECK(rig("LEARn:RULE?;ETA?;BETA?;RATE?") ==
        "EP;+2.5000000000000000E-01;+2.0000000000000002E-05;+3.0000000000000001E-06");
  rig("LEAR:TARG 0.4;TARG -0.1,(@3)");
  CHECK(rig("LEAR:TARG? (@3,1)") == "-1.0000000000000001E-01,+4.0000000000000002E-01");
  CHECK(numbers(rig("LEAR:TARG?")) == std::vector<double>{0.4, 0.4, -0.1});
  rig("*RST");
  CHECK(rig("LEAR:RULE?;ETA?;RATE?") == "CL;+5.0000000000000000E-01;+1.0000000000000001E-05");
  CHECK(numbers(rig("LEAR:TARG?")) == std::vector<double>{0.0, 0.0, 0.0});
  CHECK(rig("SYST:ERR?") == "+0,\"No error\"");
}

TEST_CASE("learning network: refused settings answer exact errors and change nothing") {
  IdealSimulator sim;
  LearningNetworkRig rig(sim);
  const auto err = [&] { return rig("SYST:ERR?"); };

  rig("LEAR:RULE SIGN");
  CHECK(err() == "-221,\"Settings conflict;SIGN moves digipot taps; edge 1 (e0) is a resistor\"");
  CHECK(rig("LEAR:RULE?") == "CL");
  rig("LEAR:RULE HEBB");
  CHECK(err() == "-141,\"Invalid character data\"");

  rig("LEAR:ETA 0");
  CHECK(err() == "-222,\"Data out of range;eta must lie in (0, 1]\"");
  rig("LEAR:ETA 1.5");
  CHECK(err() == "-222,\"Data out of range;eta must lie in (0, 1]\"");
  rig("LEAR:BETA -1");
  CHECK(err() == "-222,\"Data out of range;beta must lie in (0, 1] S\"");
  rig("LEAR:RATE 2");
  CHECK(err() == "-222,\"Data out of range;alpha must lie in [0, 1]\"");
  CHECK(rig("LEAR:ETA?;RATE?") == "+5.0000000000000000E-01;+1.0000000000000001E-05");

  rig("LEAR:TARG 0.5,(@1,4)");
  CHECK(err() == "-222,\"Data out of range;output 4 not in the network (1..3)\"");
  CHECK(rig("LEAR:TARG? (@1)") == "+0.0000000000000000E+00");
  rig("LEAR:TARG 2 kV");
  CHECK(err() == "-222,\"Data out of range;a target lies within +/-1000 V\"");

  rig("LEAR:CLOC 0");
  CHECK(err() == "-222,\"Data out of range\"");
  CHECK(rig("LEAR:CLOC:COUN?") == "+0");

  rig("EDGE:CODE? (@1)");
  CHECK(err() == "-221,\"Settings conflict;edge 1 (e0) is a resistor, it has no code\"");
  rig("EDGE:CODE 5,(@2)");
  CHECK(err() == "-221,\"Settings conflict;edge 2 (e1) is a resistor, it has no code\"");
  const std::string before = rig("EDGE:COND? (@1:16)");
  rig("EDGE:COND 50 uS,(@2,3,17)");
  CHECK(err() == "-222,\"Data out of range;edge 17 not in the network (1..16)\"");
  rig("EDGE:COND 5e-5,(@2,3);COND 2 mS,(@5)");
  CHECK(err() == "-222,\"Data out of range;+2.0000000000000000E-03 S outside +1.0000000000000001E-05..+1.0000000000000000E-03 S of edge 5 (e4)\"");
  CHECK(numbers(rig("EDGE:COND? (@2,3)")) == std::vector<double>{50e-6, 50e-6});
  rig("EDGE:PRES");
  CHECK(rig("EDGE:COND? (@1:16)") == before);

  rig("NODE:VOLT? FREE,(@0)");
  CHECK(err() == "-222,\"Data out of range;node 0 not in the network (1..9)\"");
  rig("NODE:VOLT? BOTH");
  CHECK(err() == "-141,\"Invalid character data\"");
  rig("NODE:VOLT?");
  CHECK(err() == "-109,\"Missing parameter\"");
  CHECK(err() == "+0,\"No error\"");
}

TEST_CASE("learning network: N clocks of CL over SCPI give the conductances of N direct steps of rule and Updater") {
  IdealSimulator sim;
  LearningNetworkRig rig(sim);
  rig.drive_inputs(kInputs);
  rig("LEAR:RULE CL;ETA 0.5;RATE 5e-6");
  rig(targets_command(kTargets));
  REQUIRE(rig("SYST:ERR?") == "+0,\"No error\"");

  Oracle oracle(rig.bench.network(), RuleKind::CoupledLearning, UpdateMode::Continuous, kInputs, kTargets, 0.5, 0.0, 5e-6);
  for (int n : {1, 4, 15}) {
    rig("LEAR:CLOC " + std::to_string(n));
    for (int i = 0; i < n; ++i) oracle.step();
    // Bit for bit: NR3 with 17 digits round-trips every double.
    CHECK(numbers(rig("EDGE:COND? (@1:16)")) == oracle.net.conductances());
  }
  CHECK(rig("LEAR:CLOC:COUN?") == "+20");
  CHECK(rig.bench.network().conductances() == oracle.net.conductances());
  CHECK(rig("SYST:ERR?") == "+0,\"No error\"");
}

TEST_CASE("learning network: CL over SCPI equals the in-process Trainer's twin CL on the allostery task") {
  IdealSimulator sim, trainer_sim;
  LearningNetworkRig rig(sim);
  rig.drive_inputs(kInputs);  // the network file's own input volts: what the allostery task holds
  rig("LEAR:ETA 0.3;RATE 4e-6");
  rig(targets_command(kTargets));

  const nlohmann::json doc = {{"network", "lab16.json"},
                              {"task", {{"kind", "allostery"}, {"targets_volts", kTargets}}},
                              {"rule", {{"kind", "cl"}, {"eta", 0.3}, {"twin", true}}},
                              {"alpha", 4e-6},
                              {"epochs", 12}};
  const TrainConfig config = parse_train_config(doc, test::source_dir() / "netlists");
  Trainer trainer(config, resolve_network(config), trainer_sim);
  while (!trainer.done()) trainer.step();

  rig("LEAR:CLOC 12");
  CHECK(numbers(rig("EDGE:COND?")) == trainer.network().conductances());
}

TEST_CASE("learning network: EP over SCPI injects beta (T - V_F) and equals the direct steps") {
  IdealSimulator sim;
  LearningNetworkRig rig(sim);
  rig.drive_inputs({0.8, -0.5, 1.2, -1.0});
  rig("LEAR:RULE EP;BETA 2e-5;RATE 1e-10");
  rig(targets_command(kTargets));
  REQUIRE(rig("SYST:ERR?") == "+0,\"No error\"");

  Oracle oracle(rig.bench.network(), RuleKind::EquilibriumPropagation, UpdateMode::Continuous, {0.8, -0.5, 1.2, -1.0}, kTargets, 0.0,
                2e-5, 1e-10);
  // The nudged twin before the first clock is the reference nudged state.
  const State free = oracle.sim.solve(standins_test::free_drive({0.8, -0.5, 1.2, -1.0}));
  const State nudged = oracle.sim.solve(ep::nudged_drive(2e-5, oracle.net, standins_test::free_drive({0.8, -0.5, 1.2, -1.0}),
                                                          free, kTargets));
  const auto v = numbers(rig("NODE:VOLT? NUDG"));
  REQUIRE(v.size() == 9);
  for (std::size_t n = 0; n < 9; ++n) CHECK_THAT(v[n], WithinAbs(nudged.node_volts[n + 1], 1e-15));

  rig("LEAR:CLOC 10");
  for (int i = 0; i < 10; ++i) oracle.step();
  const auto k = numbers(rig("EDGE:COND?"));
  CHECK(k == oracle.net.conductances());
  CHECK(k != numbers(rig("EDGE:PRES;COND?")));  // the steps did move the edges
}

TEST_CASE("learning network: SIGN on digipots moves each code at most one tap per clock and lowers the cost") {
  IdealSimulator sim, reference;
  LearningNetworkRig rig(sim, "lab16_digipot.json");
  // Output 1 (n2) hangs off input n4 alone, so -1 V is the only target it can reach.
  const std::vector<double> targets{-1.0, -0.2, 0.1};
  rig.drive_inputs(kInputs);
  rig("LEAR:RULE SIGN;ETA 0.5");
  rig(targets_command(targets));
  REQUIRE(rig("SYST:ERR?") == "+0,\"No error\"");

  Oracle oracle(rig.bench.network(), RuleKind::CoupledLearning, UpdateMode::Sign, kInputs, targets, 0.5, 0.0, 0.0);
  reference.load(rig.bench.network());
  const auto cost_of = [&](const Network& net) {
    reference.set_conductances(net.conductances());
    const State s = reference.solve(standins_test::free_drive(kInputs));
    double c = 0;
    for (std::size_t o = 0; o < 3; ++o) c += 0.5 * std::pow(s.node_volts[net.outputs[o]] - targets[o], 2);
    return c;
  };
  const double cost0 = std::stod(rig("LEAR:COST?"));
  CHECK_THAT(cost0, WithinRel(cost_of(rig.bench.network()), 1e-12));

  std::vector<double> codes = numbers(rig("EDGE:CODE?"));
  int moved = 0;
  for (int clock = 0; clock < 100; ++clock) {
    rig("LEAR:CLOC");
    oracle.step();
    const std::vector<double> now = numbers(rig("EDGE:CODE?"));
    for (std::size_t j = 0; j < now.size(); ++j) {
      CHECK(std::abs(now[j] - codes[j]) <= 1.0);
      moved += now[j] != codes[j] ? 1 : 0;
    }
    codes = now;
  }
  CHECK(moved > 0);
  for (std::size_t j = 0; j < codes.size(); ++j) CHECK(codes[j] == oracle.net.edges[j].code);
  // The digipot bank reads the same wipers: the edges are the bench's.
  for (int ch = 1; ch <= 16; ++ch) CHECK(rig.bench.digipot_code(ch) == codes[static_cast<std::size_t>(ch - 1)]);

  const double cost100 = std::stod(rig("LEAR:COST?"));
  CHECK_THAT(cost100, WithinRel(cost_of(rig.bench.network()), 1e-12));
  CHECK(cost100 < 0.1 * cost0);
  CHECK(rig("SYST:ERR?") == "+0,\"No error\"");
}

TEST_CASE("learning network: EDGE:CODE sets the bench's wipers and NODE:VOLT? answers the twins of a reference solve") {
  IdealSimulator sim, reference;
  LearningNetworkRig rig(sim, "lab16_digipot.json");
  rig.drive_inputs(kInputs);
  rig("EDGE:CODE 64,(@1:3);CODE 10,(@16)");
  CHECK(rig("EDGE:CODE? (@16,1,2,3,4)") == "+10,+64,+64,+64,+34");
  CHECK(rig.bench.digipot_code(2) == 64);
  rig("EDGE:COND 20 uS,(@5)");
  CHECK(rig("EDGE:CODE? (@5)") == fmt::format("+{}", digipot_nearest_code(rig.bench.network().edges[4], 20e-6)));
  rig("EDGE:CODE 128,(@1)");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range;code 128 outside 0..127 of edge 1 (e0)\"");
  rig("LEAR:ETA 0.4");
  rig(targets_command(kTargets));

  reference.load(rig.bench.network());
  const Network& net = rig.bench.network();
  Drive twin = standins_test::free_drive(kInputs);
  twin.phase = Phase::Twin;
  twin.twin_eta = 0.4;
  twin.twin_targets = kTargets;
  const TwinState expected = reference.solve_twin(twin);
  const auto free = numbers(rig("NODE:VOLT? FREE"));
  const auto clamped = numbers(rig("NODE:VOLT? CLAM,(@1:9)"));
  REQUIRE(free.size() == 9);
  REQUIRE(clamped.size() == 9);
  for (std::size_t n = 0; n < 9; ++n) {
    CHECK(free[n] == expected.free.node_volts[n + 1]);
    CHECK(clamped[n] == expected.clamped.node_volts[n + 1]);
  }
  // The clamped twin holds each output (1 - eta) of the way from its free value to the target.
  for (std::size_t o = 0; o < 3; ++o)
    CHECK_THAT(clamped[net.outputs[o] - 1], WithinAbs(0.6 * free[net.outputs[o] - 1] + 0.4 * kTargets[o], 1e-15));
  // A scanner on the same bench reads the free twin.
  CHECK(rig.bench.measure_node_volts("n2") == expected.free.node_volts[2]);

  // After a clock NODE:VOLT? answers the twin that clock used, until something changes.
  rig("LEAR:RATE 1e-5;CLOC");
  CHECK(numbers(rig("NODE:VOLT? FREE")) == free);
  rig("LEAR:TARG 0.25,(@1)");
  CHECK(numbers(rig("NODE:VOLT? FREE")) != free);
  reference.set_conductances(rig.bench.network().conductances());
  CHECK(numbers(rig("NODE:VOLT? FREE,(@2)"))[0] == reference.solve(standins_test::free_drive(kInputs)).node_volts[2]);
  // The source stand-in changes the inputs: a fresh twin follows.
  rig.source_session.feed("VOLT 0.5,(@1)\n");
  CHECK(numbers(rig("NODE:VOLT? FREE,(@1)"))[0] == 0.5);
  CHECK(rig("SYST:ERR?") == "+0,\"No error\"");
}

TEST_CASE("learning network: twin mismatch scales the clamped twin's conductances by factors fixed per seed") {
  IdealSimulator sim, reference;
  LearningNetworkRig rig(sim);
  rig.drive_inputs(kInputs);
  rig(targets_command(kTargets));
  const std::vector<double> exact_clamped = numbers(rig("NODE:VOLT? CLAM"));

  Realism realism;
  realism.seed = 7;
  realism.twin_mismatch = 0.05;
  rig.bench.set_realism(realism);
  const std::vector<double> factors = rig.network.clock().twin_factors();
  REQUIRE(factors.size() == 16);
  for (double f : factors) CHECK(f != 1.0);
  rig.bench.set_realism(realism);  // the same seed draws the same copy
  CHECK(rig.network.clock().twin_factors() == factors);

  const Network& net = rig.bench.network();
  reference.load(net);
  const State free = reference.solve(standins_test::free_drive(kInputs));
  std::vector<double> k = net.conductances();
  for (std::size_t j = 0; j < k.size(); ++j) k[j] *= factors[j];
  reference.set_conductances(k);
  Drive clamp = standins_test::free_drive(kInputs);
  clamp.phase = Phase::Clamped;
  for (std::size_t o = 0; o < 3; ++o) clamp.clamp_volts.push_back(0.5 * free.node_volts[net.outputs[o]] + 0.5 * kTargets[o]);
  const State clamped = reference.solve(clamp);

  const auto f = numbers(rig("NODE:VOLT? FREE"));
  const auto c = numbers(rig("NODE:VOLT? CLAM"));
  for (std::size_t n = 0; n < 9; ++n) {
    CHECK_THAT(f[n], WithinAbs(free.node_volts[n + 1], 1e-14));
    CHECK_THAT(c[n], WithinAbs(clamped.node_volts[n + 1], 1e-14));
  }
  CHECK(c != exact_clamped);

  realism.seed = 8;
  rig.bench.set_realism(realism);
  CHECK(rig.network.clock().twin_factors() != factors);
}

TEST_CASE("learning network: FORM REAL,64 answers conductances as a big-endian block; *RST keeps the edges") {
  IdealSimulator sim;
  LearningNetworkRig rig(sim);
  rig.drive_inputs(kInputs);
  rig(targets_command(kTargets));
  CHECK(rig("LEAR:CLOC 3;*OPC?") == "1");  // the clock runs inside the command
  const std::vector<double> k = rig.bench.network().conductances();
  rig("FORM REAL,64");
  const std::string block = rig("EDGE:COND? (@1:2)");
  REQUIRE(block.size() == 2 + 2 + 16);
  CHECK(block.substr(0, 4) == "#216");
  double first = 0;
  unsigned char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[7 - i] = static_cast<unsigned char>(block[4 + i]);
  std::memcpy(&first, bytes, 8);
  CHECK(first == k[0]);
  rig("*RST");
  CHECK(rig("LEAR:CLOC:COUN?") == "+0");
  CHECK(numbers(rig("EDGE:COND?")) == k);
}

TEST_CASE("learning network: a source channel in constant current drives both twins at its regulated voltage") {
  IdealSimulator sim, reference;
  LearningNetworkRig rig(sim, "lab16.json");
  rig.drive_inputs(kInputs);
  const double amps = std::abs(rig.bench.source_current(1));
  rig.bench.set_source_current_limit(1, amps / 4);
  REQUIRE(rig.bench.source_in_compliance(1));
  rig("LEAR:ETA 0.5");
  rig(targets_command(kTargets));
  const Drive regulated = rig.bench.regulated_drive();
  CHECK(regulated.input_volts[0] != kInputs[0]);

  reference.load(rig.bench.network());
  Drive twin = regulated;
  twin.phase = Phase::Twin;
  twin.twin_eta = 0.5;
  twin.twin_targets = kTargets;
  const TwinState expected = reference.solve_twin(twin);
  const TwinState& got = rig.network.clock().twin();
  for (std::size_t n = 0; n < expected.free.node_volts.size(); ++n) {
    CHECK_THAT(got.free.node_volts[n], Catch::Matchers::WithinAbs(expected.free.node_volts[n], 1e-12));
    CHECK_THAT(got.clamped.node_volts[n], Catch::Matchers::WithinAbs(expected.clamped.node_volts[n], 1e-12));
  }
}
