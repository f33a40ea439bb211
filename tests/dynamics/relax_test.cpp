// Beyond the quasistatic limit ("relaxation": "integrated", ode_relax.hpp): the ODE that integrates the
// node voltages against ngspice's transient of the same deck where relaxation matters, against the
// quasistatic ODE where it does not, and continuous learning (a window open for the whole run).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "emulator/core/error.hpp"
#include "emulator/dynamics/machine.hpp"
#include "emulator/dynamics/ode_run.hpp"
#include "emulator/dynamics/spice_run.hpp"
#include "emulator/learning/config.hpp"
#include "tests/common/paths.hpp"

using namespace spiceloop;
using Catch::Matchers::Contains;

namespace {

// lab16 learning reachable targets (outputs of the same network at other conductances), so that no
// conductance crosses 0 on the way.
nlohmann::json relax_experiment(const nlohmann::json& dynamics, int epochs = 20, double alpha = 2e-7) {
  return {{"network", test::bundled("lab16.json")},
          {"task", {{"kind", "allostery"}, {"targets_volts", {-0.13, 0.83, 0.34}}}},
          {"rule", {{"kind", "cl"}, {"eta", 0.5}}},
          {"alpha", alpha},
          {"epochs", epochs},
          {"seed", 1},
          {"tolerances", {{"reltol", 1e-7}}},
          {"dynamics", dynamics}};
}

Machine plan(const nlohmann::json& doc) { return plan_machine(parse_train_config(doc, ".", "exp.json")); }

// The largest relative gap of any learned parameter over all rows, and the largest relative change
// over the run (to show the parameters moved more than the gap).
struct Gap {
  double worst = 0.0, moved = 0.0;
};
Gap parameter_gap(const Trajectory& a, const Trajectory& b) {
  REQUIRE(a.complete);
  REQUIRE(b.complete);
  REQUIRE(a.rows.size() == b.rows.size());
  Gap g;
  for (size_t r = 0; r < a.rows.size(); ++r)
    for (size_t i = 0; i < a.rows[r].parameters.size(); ++i) {
      const double x = a.rows[r].parameters[i], y = b.rows[r].parameters[i], x0 = a.rows[0].parameters[i];
      g.worst = std::max(g.worst, std::abs(x - y) / std::abs(x));
      g.moved = std::max(g.moved, std::abs(x / x0 - 1.0));
    }
  return g;
}

std::string error_of(const nlohmann::json& doc) {
  try {
    const Machine m = plan(doc);
    run_on_ideal(m);
  } catch (const InputError& e) {
    return e.id() + " at " + e.where() + ": " + e.message();
  }
  return "no error";
}

}  // namespace

TEST_CASE("relaxation spec: the relaxation word and a window given with continuous learning are refused", "[dynamics]") {
  CHECK_THAT(error_of(relax_experiment({{"relaxation", "relaxed"}})),
             Contains("dynamics.") && Contains("exp.json#/dynamics/relaxation"));
  CHECK_THAT(error_of(relax_experiment({{"continuous_learning", true}, {"window_seconds", 1e-4}})),
             Contains("dynamics.window_with_continuous at exp.json#/dynamics/window_seconds"));
  CHECK_THAT(error_of(relax_experiment({{"continuous_learning", "yes"}})),
             Contains("dynamics.wrong_type at exp.json#/dynamics/continuous_learning"));
  CHECK(plan(relax_experiment(nlohmann::json::object())).spec.integrated_relaxation == false);  // quasistatic is the default
}

TEST_CASE("relaxation spec: continuous learning opens the window for the whole run, however short the period",
          "[dynamics]") {
  // Without it, a period of 2e-5 s cannot hold the default 1e-4 s window (dynamics.window_too_long).
  CHECK_THAT(error_of(relax_experiment({{"period_seconds", 2e-5}, {"max_step_seconds", 1e-6}})),
             Contains("dynamics.window_too_long"));
  CHECK_THAT(error_of(relax_experiment({{"continuous_learning", true}, {"period_seconds", 2e-6},
                                        {"edge_seconds", 1e-6}, {"max_step_seconds", 1e-7}})),
             Contains("dynamics.window_too_long at exp.json#/dynamics/edge_seconds"));
  const Machine m = plan(relax_experiment(
      {{"continuous_learning", true}, {"period_seconds", 2e-5}, {"edge_seconds", 1e-7}, {"max_step_seconds", 1e-6}}));
  CHECK(m.window_at(0.0) == 0.0);
  CHECK(m.window_at(5e-8) == 0.5);  // the one rise, over the first edge
  for (double t : {1e-7, 1.9e-5, 2e-5, 3.3e-4}) CHECK(m.window_at(t) == 1.0);
  CHECK_THAT(m.window_open(3), Catch::WithinRel(6e-5, 1e-12));  // a period's loss is read at its start
  CHECK_THAT(m.rate, Catch::WithinRel(2e-7 / 2e-5, 1e-12));  // one period is one step of alpha
  CHECK(m.circuit.window_delay_seconds == 0.0);
  CHECK(m.circuit.window_top_seconds >= m.circuit.stop_seconds);
}

TEST_CASE("relaxation: a diode network is refused by the integrated ODE with what to use instead", "[dynamics]") {
  nlohmann::json doc = relax_experiment({{"relaxation", "integrated"}});
  doc["network"] = test::bundled("diode_xor.json");
  doc["task"] = {{"kind", "xor"}};
  CHECK_THAT(error_of(doc), Contains("dynamics.unsupported at exp.json#/dynamics/relaxation") &&
                                Contains("\"quasistatic\""));
}

TEST_CASE("relaxation: with 1 pF nodes the integrated ODE is the quasistatic one within 1e-5", "[dynamics]") {
  const Machine qs = plan(relax_experiment({{"node_farads", 1e-12}}));
  const Machine in = plan(relax_experiment({{"node_farads", 1e-12}, {"relaxation", "integrated"}}));
  const Gap g = parameter_gap(run_on_ideal(in), run_on_ideal(qs));
  CHECK(g.moved > 0.02);
  CHECK(g.worst < 1e-5);  // measured 7e-7 (node time constant 0.1 us against a 100 us window)
}

TEST_CASE("relaxation: at 10 nF nodes (relaxing in about a window) the integrated ODE follows ngspice within 1e-5",
          "[dynamics][ngspice]") {
  const Machine in = plan(relax_experiment({{"node_farads", 1e-8}, {"relaxation", "integrated"}}));
  const Machine qs = plan(relax_experiment({{"node_farads", 1e-8}}));
  const Trajectory ng = run_on_ngspice(in);
  const Gap integrated = parameter_gap(run_on_ideal(in), ng), quasistatic = parameter_gap(run_on_ideal(qs), ng);
  CHECK(integrated.moved > 0.02);
  CHECK(integrated.worst < 1e-5);   // measured 5e-7
  CHECK(quasistatic.worst > 1e-4);  // the quasistatic flow misses the lag (measured 1e-3)
}

TEST_CASE("relaxation: continuous learning beyond the quasistatic limit on ngspice and the ODE agree within 3e-4",
          "[dynamics][ngspice]") {
  // R = alpha_eff / gamma = 10 (docs/transient_relax): the loss oscillates; 60 periods of 1 / gamma each.
  // The gap is ngspice's step error (measured against the ODE at reltol 1e-9: 6e-4 at a largest step of
  // period / 20, 1.3e-4 at period / 200, 4e-6 at period / 2000 but 13 s of ngspice).
  const double farads = 1e-9, g0 = 2.8453549648284095e-05, period = farads / g0;
  nlohmann::json doc = relax_experiment({{"continuous_learning", true}, {"relaxation", "integrated"},
                                         {"node_farads", farads}, {"period_seconds", period},
                                         {"edge_seconds", period / 100}, {"max_step_seconds", period / 200}},
                                        60, 10 * g0 * g0 * period / farads);
  const Trajectory ng = run_on_ngspice(plan(doc));
  doc["tolerances"]["reltol"] = 1e-9;
  const Trajectory ode = run_on_ideal(plan(doc));
  const Gap g = parameter_gap(ode, ng);
  CHECK(g.moved > 0.05);
  CHECK(g.worst < 3e-4);  // measured 1.3e-4
  CHECK(ode.rows[1].loss > 1e-3);
  CHECK(ode.rows.back().loss < 1e-20);  // it learns the targets (ngspice: 1e-29)
  CHECK(ng.rows.back().loss < 1e-20);
}

TEST_CASE("relaxation: the transistor lattice's gates on the integrated ODE follow ngspice within 1e-5",
          "[dynamics][ngspice]") {
  TrainConfig config = load_train_config_file(test::bundled("transient/clln4x4.json"));  // XOR, 32 gates
  config.epochs = 2;
  config.document["dynamics"]["node_farads"] = 1e-7;
  config.document["dynamics"]["relaxation"] = "integrated";
  const Machine m = plan_machine(config);
  const Gap g = parameter_gap(run_on_ideal(m), run_on_ngspice(m));
  CHECK(g.moved > 1e-4);
  CHECK(g.worst < 1e-5);
}

TEST_CASE("relaxation: the bundled lab16_relax experiment sits at R = 1 and learns its targets", "[dynamics]") {
  const Machine m = plan_machine(load_train_config_file(test::bundled("transient/lab16_relax.json")));
  REQUIRE(m.spec.continuous_learning);
  REQUIRE(m.spec.integrated_relaxation);
  double g0 = 0.0;  // README's R = c rate C_node / G0^2 (1 V^2), G0 the mean initial learned conductance
  for (int j : m.learned) g0 += m.net.edges[j].siemens / static_cast<double>(m.learned.size());
  CHECK_THAT(m.config.rule.factor() * m.rate * m.spec.node_farads / (g0 * g0), Catch::WithinRel(1.0, 1e-4));
  CHECK_THAT(m.spec.period_seconds * g0 / m.spec.node_farads, Catch::WithinRel(1.0, 1e-4));  // a period is 1 / gamma
  const Trajectory t = run_on_ideal(m);
  REQUIRE(t.complete);
  CHECK(t.rows.back().loss < 1e-6 * t.rows[1].loss);
}

TEST_CASE("relaxation: far beyond the threshold a conductance crosses 0 and the run stops saying so, rows kept",
          "[dynamics]") {
  TrainConfig config = load_train_config_file(test::bundled("transient/lab16_relax.json"));
  config.alpha *= 3000;  // R = 3000: the oscillation takes e1 below 0 in the first period, and it runs away
  config.document["epochs"] = 40;
  config.epochs = 40;
  const Trajectory t = run_on_ideal(plan_machine(config));
  CHECK_FALSE(t.complete);
  CHECK_THAT(t.failure, Contains("crossed 0") && Contains("smaller \"alpha\""));
  CHECK(t.rows.size() >= 1);  // t = 0 at least
}

TEST_CASE("relaxation: R alone sets the flow in units of 1 / gamma: ten times the node capacitance at the same R "
          "gives the same trajectory ten times slower",
          "[dynamics]") {
  auto at = [](double farads) {
    TrainConfig config = load_train_config_file(test::bundled("transient/lab16_relax.json"));  // R = 1
    const double scale = farads / config.document["dynamics"]["node_farads"].get<double>();
    for (const char* key : {"node_farads", "period_seconds", "edge_seconds", "max_step_seconds"})
      config.document["dynamics"][key] = config.document["dynamics"][key].get<double>() * scale;
    config.epochs = 30;
    config.document["tolerances"]["reltol"] = 1e-9;
    config.tolerances.reltol = 1e-9;
    return run_on_ideal(plan_machine(config));  // alpha per period unchanged: the rate falls by scale
  };
  const Trajectory fast = at(1e-9), slow = at(1e-8);
  const Gap g = parameter_gap(fast, slow);
  CHECK(g.moved > 0.02);
  CHECK(g.worst < 1e-6);
  CHECK_THAT(slow.rows.back().time, Catch::WithinRel(10 * fast.rows.back().time, 1e-12));
}
