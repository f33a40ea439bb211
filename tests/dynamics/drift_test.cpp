// Conservation in continuous time (drift.hpp): over a short run of the bundled drift machine
// (netlists/transient/drift_lab16.json), Q = sum k^2 drifts by the finite nudge alone: negative,
// linear in eta, as the identity predicts, on the ODE and in one ngspice transient; with larger
// node capacitance ngspice adds the nodes' relaxation term.
#include <catch2/catch.hpp>

#include <cmath>

#include <nlohmann/json.hpp>

#include "emulator/dynamics/drift.hpp"
#include "emulator/dynamics/machine.hpp"
#include "emulator/dynamics/ode_run.hpp"
#include "emulator/dynamics/spice_run.hpp"
#include "tests/common/files.hpp"
#include "tests/common/paths.hpp"
#include "tests/common/run_command.hpp"

using namespace spiceloop;

namespace {

Machine drift_machine(double eta, int epochs, double node_farads = 1e-15) {
  const std::string file = test::bundled("transient/drift_lab16.json");
  nlohmann::json doc = nlohmann::json::parse(test::read_text(file));
  doc["rule"]["eta"] = eta;
  doc["epochs"] = epochs;
  doc["dynamics"]["node_farads"] = node_farads;
  return plan_machine(parse_train_config(doc, std::filesystem::path(file).parent_path(), file));
}

QDrift drift_of(const Machine& m, const Trajectory& t) {
  REQUIRE(t.complete);
  REQUIRE(t.rows.size() == static_cast<size_t>(m.periods) + 1);
  const auto d = q_drift(m, t);
  REQUIRE(d.has_value());
  return *d;
}

}  // namespace

TEST_CASE("transient drift: on the ODE, Q's drift is negative, halves with eta and matches the nudge's prediction",
          "[dynamics]") {
  const Machine m2 = drift_machine(0.02, 5), m1 = drift_machine(0.01, 5);
  const QDrift d2 = drift_of(m2, run_on_ideal(m2)), d1 = drift_of(m1, run_on_ideal(m1));
  const double q0 = start_row(m1).q;
  CHECK(d1.measured < -1e-6 * q0);  // far above rounding (1e-16 of Q)
  CHECK(d2.measured < d1.measured);
  // Twice the nudge, twice the drift: the O(eta) change of the trajectory itself moves the ratio
  // by 8e-4 here (measured 1.99916).
  CHECK_THAT(d2.measured / d1.measured, Catch::WithinAbs(2.0, 0.005));
  // In continuous time the identity is exact: no |dk|^2 term (measured gap 3e-11).
  CHECK_THAT(d1.measured, Catch::WithinRel(d1.predicted, 1e-7));
  CHECK_THAT(d2.measured, Catch::WithinRel(d2.predicted, 1e-7));
}

TEST_CASE("transient drift: one ngspice transient drifts Q as the ODE does", "[dynamics][ngspice]") {
  const Machine m = drift_machine(0.01, 5);
  const QDrift ng = drift_of(m, run_on_ngspice(m)), ode = drift_of(m, run_on_ideal(m));
  CHECK(ng.measured < 0.0);
  // Measured gaps 8e-7 (reltol 1e-9, 1 fF nodes); lab16.json's 1 pF nodes, out of the quasistatic
  // limit, would add 1.1e-4 here (README).
  CHECK_THAT(ng.measured, Catch::WithinRel(ode.measured, 2e-5));
  CHECK_THAT(ng.measured, Catch::WithinRel(ng.predicted, 2e-5));
}

TEST_CASE("transient drift: nodes of 10 pF add the first-order relaxation drift on ngspice and the node-integrating ODE",
          "[dynamics][ngspice]") {
  // 10 pF nodes relax in ~1 us, 1e-2 of a window: the lag adds +2.0e-15 S^2 over 5 periods, 1.2 % of
  // the nudge's drift at eta 1e-3.
  const Machine m = drift_machine(1e-3, 5, 1e-11);
  const QDrift ng = drift_of(m, run_on_ngspice(m)), ode = drift_of(m, run_on_ideal(m));
  CHECK(ng.relaxation > 0.005 * std::abs(ng.predicted));  // Q grows by it
  CHECK_THAT(ode.measured, Catch::WithinRel(ode.predicted, 1e-7));  // the quasistatic ODE has no such term
  CHECK_THAT(ng.measured - ng.predicted, Catch::WithinRel(ng.relaxation, 0.01));  // measured 0.2 %
  CHECK_THAT(ng.measured, Catch::WithinRel(ng.predicted + ng.relaxation, 1e-4));  // measured 2.5e-5
  // The ODE that integrates the nodes too (ode_relax.hpp) has it as well (measured 0.1 %).
  Machine integrated = m;
  integrated.spec.integrated_relaxation = true;
  const QDrift nodes = drift_of(integrated, run_on_ideal(integrated));
  CHECK_THAT(nodes.measured - nodes.predicted, Catch::WithinRel(nodes.relaxation, 0.01));
}

TEST_CASE("transient drift: no prediction where the identity does not hold (transistor gates, a conductance below 0)",
          "[dynamics]") {
  const std::string file = test::bundled("transient/clln4x4.json");
  const Machine m = plan_machine(load_train_config_file(file));
  CHECK_FALSE(drift_prediction_applies(m));
  Trajectory t;
  t.rows = {start_row(m), start_row(m)};
  CHECK_FALSE(q_drift(m, t).has_value());
  const Machine lab = drift_machine(0.01, 1);
  CHECK(drift_prediction_applies(lab));
  Machine continuous = lab;  // each sample's inputs would ramp while k moves
  continuous.spec.continuous_learning = true;
  CHECK_FALSE(drift_prediction_applies(continuous));
  // A conductance through 0 (ngspice does not stop there): no prediction, rather than an error that
  // would lose the run's summary.
  Trajectory below;
  below.rows = {start_row(lab), start_row(lab)};
  below.rows[1].period = 0;
  below.rows[1].sample = 0;
  REQUIRE(q_drift(lab, below).has_value());
  below.rows[1].parameters[3] = -1e-7;
  CHECK_FALSE(q_drift(lab, below).has_value());
}

TEST_CASE("transient drift: the command's summary.json carries q_drift for the drift machine, none for the lattice",
          "[dynamics]") {
  test::ScratchDir scratch("transient_drift_cli");
  const std::string experiment = test::bundled("transient/drift_lab16.json");
  const std::string args = " --backend ideal --no-plot --out " + scratch.dir.string();
  const auto r = test::run_command(test::spiceloop_binary() + " transient " + experiment + args, true);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const auto q = test::read_json(scratch.dir / "summary.json").at("q_drift");
  const double measured = q.at("measured"), predicted = q.at("predicted");
  CHECK(measured < 0.0);
  CHECK_THAT(measured, Catch::WithinRel(predicted, 1e-7));
  CHECK(q.at("relaxation").get<double>() > 0.0);
  CHECK(q.at("s_integral_joules").get<double>() > 0.0);
  const Machine lattice = plan_machine(load_train_config_file(test::bundled("transient/clln4x4.json")));
  Trajectory t;
  t.backend = "ideal";
  t.rows = {start_row(lattice), start_row(lattice)};
  t.rows[1].period = 0;
  t.rows[1].sample = 0;
  CHECK_FALSE(nlohmann::json::parse(trajectory_summary(lattice, t)).contains("q_drift"));
}
