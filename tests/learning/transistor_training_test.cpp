// Learning gate voltages on transistor networks (issue 11): the gate-voltage parameterisation,
// its config checks, the metrics only an exact gradient can give (cos to -dL/dV_G, the
// conserved-quantity candidates), the curve task's Legendre error modes, and the bundled CLLN
// experiments training on both backends.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "emulator/core/error.hpp"
#include "emulator/learning/run/run.hpp"
#include "emulator/learning/trainer.hpp"
#include "emulator/network/generators.hpp"
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

Network clln(std::uint64_t seed, int outputs = 1) {
  return test::transistor_lattice(seed, 4.5, 5.5, outputs, {0.45, 0.0});
}

nlohmann::json gate_doc(double eta, double alpha, int epochs = 3) {
  nlohmann::json d = testcfg::allostery(testcfg::rule("cl", eta), alpha, epochs);
  d["task"]["targets_volts"] = {0.2};
  d["update"] = {{"parameter", "gate_voltage"}};
  return d;
}

void expect_config_error(const nlohmann::json& doc, const Network& net, const std::string& where) {
  IdealSimulator sim;
  try {
    Trainer t(testcfg::parse(doc), net, sim);
    FAIL("accepted");
  } catch (const InputError& e) {
    INFO(e.what());
    CHECK(e.id() == "config.invalid");
    CHECK(e.where() == where);
  }
}

}  // namespace

TEST_CASE("gate learning: one CL step moves each gate by alpha g, the rule's signal", "[training][transistor]") {
  const Network net = clln(2);
  IdealSimulator sim;
  Trainer t(testcfg::parse(gate_doc(0.5, 10.0)), net, sim);
  const std::vector<double> before = t.network().conductances();
  const StepReport r = t.step();
  for (int j = 0; j < net.edge_count(); ++j) {
    CAPTURE(j);
    CHECK_THAT(r.dk[j], WithinAbs(10.0 * r.signal[j], 1e-15));
    CHECK_THAT(t.network().edges[j].gate_volts, WithinAbs(before[j] + 10.0 * r.signal[j], 1e-14));
  }
  CHECK(*std::max_element(r.dk.begin(), r.dk.end()) > 0.0);
  CHECK(*std::min_element(r.dk.begin(), r.dk.end()) < 0.0);
}

TEST_CASE("gate learning: gates are clipped to their bounds", "[training][transistor]") {
  Network net = clln(2);
  for (Edge& e : net.edges) e.max_gate_volts = e.gate_volts;  // every gate at its upper bound
  IdealSimulator sim;
  Trainer t(testcfg::parse(gate_doc(0.5, 1e4)), net, sim);
  t.step();
  for (const Edge& e : t.network().edges) {
    CHECK(e.gate_volts <= e.max_gate_volts);
    CHECK(e.gate_volts >= e.min_gate_volts);
  }
}

TEST_CASE("gate learning: the sign mode moves each gate alpha volts towards sign(g)", "[training][transistor]") {
  const Network net = clln(3);
  auto doc = gate_doc(0.5, 0.01);
  doc["update"]["mode"] = "sign";
  IdealSimulator sim;
  Trainer t(testcfg::parse(doc), net, sim);
  const StepReport r = t.step();
  for (int j = 0; j < net.edge_count(); ++j)
    CHECK_THAT(r.dk[j], WithinAbs(r.signal[j] > 0 ? 0.01 : r.signal[j] < 0 ? -0.01 : 0.0, 1e-15));
}

TEST_CASE("gate learning: parameter and element kinds must match, and gates are not quantised",
          "[training][transistor][config]") {
  auto resistors = gate_doc(0.5, 1.0);
  resistors["task"].erase("targets_volts");
  expect_config_error(resistors, test::random_network(3), "/update/parameter");
  auto conductance = gate_doc(0.5, 1.0);
  conductance["update"].erase("parameter");
  expect_config_error(conductance, clln(1), "/update/parameter");
  auto quantised = gate_doc(0.5, 1.0);
  quantised["update"]["mode"] = "quantised";
  expect_config_error(quantised, clln(1), "/update/mode");
}

TEST_CASE("gate learning: with the ideal oracle each step reports cos to -dL/dV_G and both invariant candidates",
          "[training][transistor][gradient]") {
  const Network net = clln(4);
  IdealSimulator sim, oracle;
  for (double eta : {1e-3, 0.5}) {
    Trainer t(testcfg::parse(gate_doc(eta, 1.0)), net, sim, &oracle);
    const StepReport r = t.step();
    CAPTURE(eta);
    REQUIRE(r.cos_gradient.has_value());
    REQUIRE(r.sum_effective_siemens2.has_value());
    CHECK(*r.cos_gradient > 0.0);  // a descent direction
    CHECK(*r.cos_gradient <= 1.0 + 1e-12);
    CHECK(*r.sum_effective_siemens2 > 0.0);
    double overdrive2 = 0.0;
    for (const Edge& e : net.edges) overdrive2 += (e.gate_volts - e.threshold_volts) * (e.gate_volts - e.threshold_volts);
    CHECK_THAT(r.before.sum_overdrive2, WithinRel(overdrive2, 1e-12));
    CHECK_FALSE(r.identity_s.has_value());  // no exact identity for a nonlinear network
  }
}

TEST_CASE("curve task: the error modes are the Legendre coefficients of the output error", "[training][curve]") {
  const Network net = clln(5);
  TaskSpec spec;
  spec.kind = TaskKind::Curve;
  spec.samples = 9;
  spec.input_lo_volts = 0.0;
  spec.input_hi_volts = 0.4;
  spec.coefficients = {{0.1, 0.2, 0.3}};
  const Dataset d = make_dataset(spec, net, 1);
  REQUIRE(d.train.size() == 9);
  REQUIRE(d.test.size() == 8);
  // Outputs built as T + 0.01 P0 - 0.02 P1 + 0.03 P2: the modes recover the three numbers.
  NodeVoltages volts;
  volts.resize(d.train.size(), static_cast<std::size_t>(net.node_count()));
  std::fill(volts.all().begin(), volts.all().end(), 0.0);
  for (std::size_t i = 0; i < d.train.size(); ++i) {
    const Sample& s = d.train[i];
    const double x = s.input_volts[0];
    CHECK_THAT(s.targets[0], WithinAbs(0.1 + 0.2 * x + 0.3 * x * x, 1e-15));
    const double u = 2.0 * x / 0.4 - 1.0;
    volts.row(i)[net.outputs[0]] = s.targets[0] + 0.01 - 0.02 * u + 0.03 * 0.5 * (3 * u * u - 1);
  }
  const std::vector<double> m = error_modes(d, net, d.train, volts);
  REQUIRE(m.size() == 3);
  CHECK_THAT(m[0], WithinAbs(0.01, 1e-14));
  CHECK_THAT(m[1], WithinAbs(-0.02, 1e-14));
  CHECK_THAT(m[2], WithinAbs(0.03, 1e-14));
}

TEST_CASE("CLLN experiments: XOR and the curve run on the ideal backend and write their metrics",
          "[training][transistor]") {
  const test::ScratchDir scratch("clln_ideal");
  for (const auto& [file, epochs] : {std::pair{"clln_xor.json", 60}, std::pair{"clln_curve.json", 30}}) {
    INFO(file);
    const TrainConfig c = test::bundled_experiment(file, {{"epochs", epochs}});
    IdealSimulator sim(c.tolerances), oracle(c.tolerances);
    const TrainResult r = run_training(c, sim, testrun::quiet(scratch.dir / file, &oracle));
    CHECK(r.completed);
    // The curve's loss falls fast (its mean and slope modes); XOR's slowly, so only by a little here.
    CHECK(r.final.train_loss < (std::string(file) == "clln_curve.json" ? 0.5 : 0.98) * r.initial.train_loss);
    const std::string metrics = test::read_text(scratch.dir / file / "metrics.jsonl");
    CHECK(metrics.find("\"sum_overdrive2\"") != std::string::npos);
    if (std::string(file) == "clln_curve.json") CHECK(metrics.find("\"curvature\"") != std::string::npos);
    else CHECK(metrics.find("\"cos_grad\"") != std::string::npos);
  }
}

// Issue 11 item 3. The lab's lattice from its 5 V start reaches XOR by CL within 1200 epochs with the
// bundled targets (0.1 / 0.2 V, inside the output range 0.45 V inputs give); read out against the
// midpoint. Measured on other gate draws (README): not every draw gets there.
TEST_CASE("CLLN experiments: the bundled XOR reaches 100 % on the lab's lattice and on another gate draw",
          "[training][transistor]") {
  const test::ScratchDir scratch("clln_xor_learns");
  const nlohmann::json other_draw = {
      {"spiceloop", 1}, {"generator", "lattice"}, {"name", "clln4x4"}, {"width", 4}, {"height", 4}, {"periodic", true},
      {"inputs", {"n1_1", "n3_1", "n1_3", "n3_3"}}, {"outputs", {"n2_2"}}, {"input_volts", {0.45, 0, 0.45, 0}},
      {"edge", {{"kind", "transistor"}, {"gate_volts", {{"min", 4.5}, {"max", 5.5}}}}}, {"seed", std::uint64_t{3}}};
  for (const auto& network : {nlohmann::json("../clln4x4.json"), other_draw}) {
    INFO(network.dump());
    const TrainConfig c = test::bundled_experiment("clln_xor.json", {{"network", network}});
    IdealSimulator sim(c.tolerances);
    const TrainResult r = run_training(c, sim, testrun::quiet(scratch.dir / (network.is_string() ? "lab" : "s3")));
    CHECK(r.initial.test_accuracy == 0.5);
    CHECK(r.final.test_accuracy == 1.0);
    CHECK(r.final.train_loss < 0.5 * r.initial.train_loss);
  }
}

TEST_CASE("CLLN experiments: ngspice trains the twin XOR to the same gates as the ideal backend",
          "[training][transistor][ngspice]") {
  const TrainConfig c = test::bundled_experiment("clln_xor.json", {{"epochs", 5}});
  const test::ScratchDir scratch("clln_twin");
  IdealSimulator ideal(c.tolerances);
  NgspiceSimulator spice(c.tolerances);
  const TrainResult a = run_training(c, ideal, testrun::quiet(scratch.dir / "ideal"));
  const TrainResult b = run_training(c, spice, testrun::quiet(scratch.dir / "ngspice"));
  for (int j = 0; j < a.network.edge_count(); ++j)
    CHECK_THAT(b.network.edges[j].gate_volts, WithinAbs(a.network.edges[j].gate_volts, 1e-6));
  CHECK_THAT(b.final.train_loss, WithinRel(a.final.train_loss, 1e-4));
}
