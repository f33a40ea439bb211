// The learning machine in time on both backends: ngspice's one transient against the ODE, the
// deck run unchanged by the `ngspice` program, and one window against one step of the trainer.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "emulator/dynamics/machine.hpp"
#include "emulator/dynamics/ode_run.hpp"
#include "emulator/core/error.hpp"
#include "emulator/dynamics/spice_run.hpp"
#include "emulator/learning/trainer.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/spice/ngspice_simulator.hpp"
#include "tests/common/files.hpp"
#include "tests/common/paths.hpp"
#include "tests/dynamics/lab16_experiment.hpp"
#include "tests/common/run_command.hpp"

using namespace spiceloop;

namespace {

using test::lab16_experiment;

Machine machine(const nlohmann::json& doc) { return plan_machine(parse_train_config(doc, ".", "exp.json")); }

// max over rows and parameters of |a - b| / |a|
double max_relative_gap(const Trajectory& a, const Trajectory& b) {
  REQUIRE(a.rows.size() == b.rows.size());
  double worst = 0.0;
  for (size_t r = 0; r < a.rows.size(); ++r)
    for (size_t i = 0; i < a.rows[r].parameters.size(); ++i)
      worst = std::max(worst, std::abs(a.rows[r].parameters[i] - b.rows[r].parameters[i]) / std::abs(a.rows[r].parameters[i]));
  return worst;
}

double max_relative_change(const Trajectory& t) {
  double worst = 0.0;
  for (size_t i = 0; i < t.rows.front().parameters.size(); ++i)
    worst = std::max(worst, std::abs(t.rows.back().parameters[i] / t.rows.front().parameters[i] - 1.0));
  return worst;
}

}  // namespace

TEST_CASE("transient: lab16's parameter trajectories on ngspice and the ODE agree within 1e-4", "[dynamics][ngspice]") {
  const Machine m = machine(lab16_experiment(20));
  const Trajectory ng = run_on_ngspice(m);
  const Trajectory ode = run_on_ideal(m);
  REQUIRE(ng.complete);
  REQUIRE(ode.complete);
  REQUIRE(ng.rows.size() == 21);
  CHECK(max_relative_change(ode) > 0.1);  // the parameters really moved
  CHECK(max_relative_gap(ode, ng) < 1e-4);
  CHECK_THAT(ng.rows.back().loss, Catch::WithinRel(ode.rows.back().loss, 1e-4));
  CHECK(ode.rows.back().loss < 0.9 * ode.rows[1].loss);  // it learns
}

TEST_CASE("transient: the 4 x 4 transistor lattice's gate trajectories on ngspice and the ODE agree within 1e-4",
          "[dynamics][ngspice]") {
  const nlohmann::json doc = {
      {"network", test::bundled("clln4x4.json")},
      {"task", {{"kind", "xor"}, {"encoding", "complementary"}, {"input_volts", {0, 0.45}}, {"target_volts", {0.1, 0.2}}}},
      {"rule", {{"kind", "cl"}, {"eta", 0.5}, {"twin", true}}},
      {"alpha", 5},
      {"update", {{"parameter", "gate_voltage"}}},
      {"epochs", 3},
      {"batch_size", 4},
      {"tolerances", {{"reltol", 1e-7}}}};
  const Machine m = machine(doc);
  REQUIRE(m.gates);
  REQUIRE(m.learned.size() == 32);
  const Trajectory ng = run_on_ngspice(m);
  const Trajectory ode = run_on_ideal(m);
  REQUIRE(ng.complete);
  REQUIRE(ng.rows.size() == 13);  // 3 epochs of the 4 XOR samples, and t = 0
  CHECK(max_relative_change(ode) > 1e-3);
  CHECK(max_relative_gap(ode, ng) < 1e-4);
}

TEST_CASE("transient: the deck runs unchanged in the ngspice program and ends where the worker's run ends",
          "[dynamics][ngspice]") {
  const Machine m = machine(lab16_experiment(3));
  test::ScratchDir scratch("transient_deck");
  { std::ofstream(scratch.dir / "transient.cir") << machine_deck(m); }
  const Trajectory worker = run_on_ngspice(m);
  REQUIRE(worker.complete);
  std::vector<double> last;
  if (std::filesystem::exists("/usr/bin/ngspice")) {
    const auto r = test::run_command("cd " + scratch.dir.string() + " && /usr/bin/ngspice -b transient.cir", true);
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    // wrdata with wr_vecnames and wr_singlescale: a header, then time and one column per vector.
    std::istringstream in(test::read_text(scratch.dir / "transient.data"));
    std::string line, final_line;
    std::getline(in, line);
    CHECK(line.find("v(g_e0)") != std::string::npos);
    while (std::getline(in, line))
      if (!line.empty()) final_line = line;
    std::istringstream row(final_line);
    double x;
    while (row >> x) last.push_back(x);
  } else {
    WARN("no /usr/bin/ngspice: the deck file is checked through the worker only");
    return;
  }
  REQUIRE(last.size() == 1 + m.learned.size() + 2 * m.net.outputs.size());
  CHECK_THAT(last[0], Catch::WithinRel(m.circuit.stop_seconds, 1e-12));
  for (size_t i = 0; i < m.learned.size(); ++i)
    CHECK_THAT(m.parameter_of_volts(i, last[1 + i]), Catch::WithinRel(worker.rows.back().parameters[i], 1e-9));
}

TEST_CASE("transient: one learning window is one discrete step of the trainer within 1 %", "[dynamics][ngspice]") {
  const auto doc = lab16_experiment(1, 2e-8);
  const Machine m = machine(doc);
  IdealSimulator sim;
  Trainer trainer(parse_train_config(doc, ".", "exp.json"), m.net, sim);
  const StepReport step = trainer.step();
  for (const Trajectory& t : {run_on_ideal(m), run_on_ngspice(m)}) {
    INFO(t.backend);
    REQUIRE(t.rows.size() == 2);
    double gap = 0.0, norm = 0.0;
    for (size_t i = 0; i < m.learned.size(); ++i) {
      const double dk = t.rows[1].parameters[i] - t.rows[0].parameters[i];
      gap += (dk - step.dk[m.learned[i]]) * (dk - step.dk[m.learned[i]]);
      norm += step.dk[m.learned[i]] * step.dk[m.learned[i]];
    }
    CHECK(norm > 0.0);
    CHECK(std::sqrt(gap / norm) < 0.01);
    CHECK_THAT(t.rows[1].loss, Catch::WithinRel(step.loss, 1e-6));
  }
}

TEST_CASE("transient: a transient ngspice cannot finish keeps its partial trajectory and says what to change",
          "[dynamics][ngspice]") {
  // Diode XOR (fixed diodes, trainable resistors), each sample's inputs and target switched in 1e-13 s
  // from the third period on: ngspice aborts there ("breakpoint in the past"; the spec refuses such
  // edges, dynamics.edge_too_short, so the circuit is edited after its checks).
  nlohmann::json doc = nlohmann::json::parse(test::read_text(test::experiment_file("xor.json")));
  doc["network"] = test::bundled("diode_xor.json");
  doc["epochs"] = 2;
  doc["alpha"] = 2e-8;
  doc["tolerances"] = {{"reltol", 1e-9}};
  doc["dynamics"] = {{"node_farads", 1e-15}};
  Machine m = machine(doc);
  const double from = m.period_end(1) - 1e-12;
  for (auto* set : {&m.circuit.inputs, &m.circuit.targets})
    for (Waveform& w : *set)
      for (size_t k = 1; k + 1 < w.times.size(); ++k)
        if (w.times[k] >= from) w.times[k + 1] = w.times[k] + 1e-13;
  m.circuit.window_edge_seconds = 1e-13;
  const Trajectory ng = run_on_ngspice(m);
  CHECK_FALSE(ng.complete);
  CHECK_FALSE(ng.failure.empty());
  CHECK_THAT(ng.failure, Catch::Contains("Timestep too small"));
  REQUIRE(ng.rows.size() >= 2);  // t = 0 and at least the first period (measured: two)
  REQUIRE(ng.rows.size() < static_cast<size_t>(m.periods) + 1);
  const size_t done = ng.rows.size() - 1;
  test::ScratchDir scratch("transient_partial");
  write_trajectory(m, ng, scratch.dir, true);
  const std::string csv = test::read_text(scratch.dir / "trajectory.csv");
  CHECK(static_cast<size_t>(std::count(csv.begin(), csv.end(), '\n')) == done + 2);  // header, t = 0, each period
  CHECK(test::read_json(scratch.dir / "summary.json").at("complete") == false);
  try {
    fail_incomplete(m, ng, scratch.dir);
  } catch (const SimulationError& e) {
    CHECK(e.id() == "dynamics.transient_failed");
    CHECK_THAT(e.message(), Catch::Contains("stopped after " + std::to_string(done) + " of 8 periods"));
    CHECK_THAT(e.message(), Catch::Contains("edge_seconds"));
    CHECK_FALSE(e.simulator_lines().empty());
  }
}
