// Whole trainings on the bundled experiments: loss falls on every task, runs are reproducible,
// and the ngspice and ideal backends agree.
#include <catch2/catch.hpp>

#include <algorithm>

#include "emulator/learning/run/run.hpp"
#include "emulator/learning/trainer.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/spice/ngspice_simulator.hpp"
#include "tests/common/experiments.hpp"
#include "tests/common/files.hpp"
#include "tests/common/networks.hpp"
#include "tests/learning/experiment_docs.hpp"
#include "tests/learning/run_helpers.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

// Short versions of the bundled experiments, one per task and rule family.
const std::vector<std::pair<std::string, nlohmann::json>> kShortRuns = {
    {"default.json", {{"epochs", 20}}},       // Iris, CL
    {"iris_ep.json", {{"epochs", 10}}},       // Iris, centered EP
    {"allostery.json", {{"epochs", 60}}},
    {"regression.json", {{"epochs", 5}}},
    {"xor.json", {{"epochs", 40}}},           // diodes
    {"sign_rule.json", {{"epochs", 60}}},     // digipots, twin, sign rule
    {"memristor_crossbar.json", {{"epochs", 5}}},  // memristors: pulses, noise, spread, stuck, drift
};

}  // namespace

TEST_CASE("training: the loss falls on every task on the ideal backend", "[training]") {
  const test::ScratchDir scratch("training_loss");
  for (const auto& [file, patch] : kShortRuns) {
    INFO(file);
    const TrainConfig c = test::bundled_experiment(file, patch);
    IdealSimulator sim(c.tolerances), oracle;
    const TrainResult r = run_training(c, sim, testrun::quiet(scratch.dir / file, &oracle));
    CHECK(r.completed);
    CHECK(r.final.train_loss < 0.7 * r.initial.train_loss);
    CHECK(r.final.test_loss < 0.7 * r.initial.test_loss);
  }
}

TEST_CASE("training: Iris on the 16-resistor network passes 95 % test accuracy from 30 samples", "[training]") {
  const TrainConfig c = test::bundled_experiment("default.json");
  IdealSimulator sim;
  const test::ScratchDir scratch("training_iris");
  const TrainResult r = run_training(c, sim, testrun::quiet(scratch.dir));
  CHECK(r.final.test_accuracy > 0.95);
  CHECK(r.initial.test_accuracy < 0.8);  // untrained: 0.475
}

TEST_CASE("training: the default Iris experiment reaches 96 % median test accuracy over seeds 1-20", "[training]") {
  // Guards the README's claim against a default that only the bundled seed's split flatters
  // (the plain-input network gave 95.4 %; tools/iris_seeds.py prints the per-seed table).
  std::vector<double> accuracies;
  const test::ScratchDir scratch("training_iris_seeds");
  for (int seed = 1; seed <= 20; ++seed) {
    const TrainConfig c = test::bundled_experiment("default.json", {{"seed", seed}});
    IdealSimulator sim;
    accuracies.push_back(run_training(c, sim, testrun::quiet(scratch.dir / std::to_string(seed))).final.test_accuracy);
  }
  std::sort(accuracies.begin(), accuracies.end());
  const double median = 0.5 * (accuracies[9] + accuracies[10]);
  CHECK(median >= 0.96);
  CHECK(accuracies.front() >= 0.93);
}

TEST_CASE("training: the same seed gives the same result, another seed another", "[training]") {
  const auto run = [](std::uint64_t seed, const std::string& name) {
    const TrainConfig c = test::bundled_experiment("regression.json", {{"epochs", 2}, {"seed", seed}});
    IdealSimulator sim;
    const test::ScratchDir scratch("training_" + name);
    run_training(c, sim, testrun::quiet(scratch.dir));
    return std::pair{test::read_text(scratch.dir / "network.json"), testrun::metrics_without_timing(scratch.dir)};
  };
  const auto a = run(5, "seed_a"), b = run(5, "seed_b"), c = run(6, "seed_c");
  CHECK(a.first == b.first);
  CHECK(a.second == b.second);
  CHECK(a.first != c.first);
}

TEST_CASE("training: a twin solve gives the same update as separate free and clamped solves", "[training]") {
  const Network net = test::random_network(31);
  auto doc = testcfg::allostery(testcfg::rule("cl", 0.3), 1e-5, 3);
  const TrainConfig plain = testcfg::parse(doc);
  doc["rule"]["twin"] = true;
  const TrainConfig twin = testcfg::parse(doc);
  IdealSimulator s1, s2;
  Trainer a(plain, net, s1), b(twin, net, s2);
  while (!a.done()) {
    const StepReport ra = a.step(), rb = b.step();
    for (std::size_t j = 0; j < ra.signal.size(); ++j) CHECK_THAT(rb.signal[j], WithinRel(ra.signal[j], 1e-9));
  }
}

TEST_CASE("training: a batch step applies the mean of its samples' updates", "[training]") {
  const Network net = test::random_network(32);
  nlohmann::json doc = {{"network", "unused.json"},
                        {"task", {{"kind", "regression"}, {"samples", 8}, {"train_samples", 4}}},
                        {"rule", testcfg::rule("cl", 0.5)},
                        {"alpha", 1e-6},
                        {"epochs", 1},
                        {"seed", 3}};
  doc["batch_size"] = 4;
  IdealSimulator s1;
  Trainer batch(testcfg::parse(doc), net, s1);
  const StepReport rb = batch.step();
  // The same four samples, one at a time from the same conductances.
  std::vector<double> mean(net.edges.size(), 0.0);
  IdealSimulator s3;
  s3.load(net);
  const RuleSpec rule{RuleKind::CoupledLearning, 0.5, FactorConvention::Code, false};
  for (const Sample& s : batch.dataset().train) {
    Drive d;
    d.input_volts = s.input_volts;
    const State free = s3.solve(d);
    const State clamped = s3.solve(nudged_drives(rule, net, d, free, s.targets)[0]);
    accumulate_signal(rule, net, free, std::span(&clamped, 1), 0.25, mean);
  }
  for (std::size_t j = 0; j < mean.size(); ++j) CHECK_THAT(rb.signal[j], WithinRel(mean[j], 1e-12));
}

TEST_CASE("training: the loss falls on every task on ngspice", "[training][ngspice]") {
  const test::ScratchDir scratch("training_ngspice_loss");
  for (const auto& [file, patch] : kShortRuns) {
    INFO(file);
    const TrainConfig c = test::bundled_experiment(file, patch);
    NgspiceSimulator sim(c.tolerances);
    IdealSimulator oracle;
    const TrainResult r = run_training(c, sim, testrun::quiet(scratch.dir / file, &oracle));
    CHECK(r.final.train_loss < 0.7 * r.initial.train_loss);
    // The memristor crossbar's column loads and wires are fixed conductances: they break the
    // identity (DOMAIN.md section 3), which is then a measured drift, not a check.
    if (r.identity_max_relative && std::string(file) != "memristor_crossbar.json")
      CHECK(*r.identity_max_relative < 1e-9);
  }
}

TEST_CASE("training: ngspice and ideal runs of a linear experiment end with the same conductances", "[training][ngspice]") {
  const TrainConfig c = test::bundled_experiment("default.json", {{"epochs", 20}});
  NgspiceSimulator ng(c.tolerances);
  IdealSimulator ideal(c.tolerances);
  const test::ScratchDir scratch("training_agree");
  const TrainResult a = run_training(c, ng, testrun::quiet(scratch.dir / "ngspice"));
  const TrainResult b = run_training(c, ideal, testrun::quiet(scratch.dir / "ideal"));
  const auto ka = a.network.conductances(), kb = b.network.conductances();
  for (std::size_t j = 0; j < ka.size(); ++j) CHECK_THAT(ka[j], WithinRel(kb[j], 1e-9));
  CHECK_THAT(a.final.test_loss, WithinRel(b.final.test_loss, 1e-9));
}

TEST_CASE("training: an allostery run writes the targets it drew into summary.json, per output", "[training]") {
  const TrainConfig c = test::bundled_experiment("allostery.json", {{"epochs", 2}});
  IdealSimulator sim;
  const test::ScratchDir scratch("training_allostery_targets");
  const TrainResult r = run_training(c, sim, testrun::quiet(scratch.dir));
  const auto summary = nlohmann::json::parse(test::read_text(scratch.dir / "summary.json"));
  const Dataset d = make_dataset(c.task, r.network, c.seed);
  REQUIRE(summary["targets_volts"].size() == r.network.outputs.size());
  for (std::size_t o = 0; o < r.network.outputs.size(); ++o)
    CHECK(summary["targets_volts"][r.network.node_names[r.network.outputs[o]]].get<double>() == d.train[0].targets[o]);
}

TEST_CASE("training: the bundled XOR starts wrong on half the samples and learns all four", "[training]") {
  // Guards against an example that is right before any training (the old 10 kOhm series resistors were).
  const TrainConfig c = test::bundled_experiment("xor.json");
  IdealSimulator sim;
  const test::ScratchDir scratch("training_xor");
  const TrainResult r = run_training(c, sim, testrun::quiet(scratch.dir));
  CHECK(r.initial.test_accuracy == 0.5);
  CHECK(r.final.test_accuracy == 1.0);
}

TEST_CASE("training: every output of the lab16 allostery run moves towards its target", "[training]") {
  // Guards against an output tied to an input by a single edge, which no training can move.
  const TrainConfig c = test::bundled_experiment("allostery.json");
  IdealSimulator sim;
  const test::ScratchDir scratch("training_allostery_reach");
  const TrainResult r = run_training(c, sim, testrun::quiet(scratch.dir));
  CHECK(r.final.train_loss < 0.05 * r.initial.train_loss);
}
