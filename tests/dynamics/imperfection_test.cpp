// The imperfect learning machine (imperfection.hpp): each key changes the run the way it says, the
// deck and the ODE agree with every imperfection on, overclamping shrinks the limit cycle of
// alternating tasks, and bad values are refused with their pointer.
#include <catch2/catch.hpp>

#include <cmath>

#include <nlohmann/json.hpp>

#include "emulator/core/error.hpp"
#include "emulator/dynamics/machine.hpp"
#include "emulator/dynamics/ode_run.hpp"
#include "emulator/dynamics/spice_run.hpp"
#include "tests/common/paths.hpp"
#include "tests/dynamics/lab16_experiment.hpp"

using namespace spiceloop;
using Catch::Matchers::Contains;

namespace {

using test::lab16_experiment;

// Two regression tasks of one linear map on two halves of the input range: compatible tasks (a
// teacher network does both: netlists/transient/lab16_two_tasks.json), switched every task_seconds.
nlohmann::json alternating_experiment(double task_seconds, double seconds, double period = 4e-4) {
  const nlohmann::json coefficients = {{0.0, 0.480656}, {0.325843, 0.0}, {0.457715, 0.0}};
  const nlohmann::json offsets = {0.452274, 0.606984, 0.0};
  nlohmann::json doc = lab16_experiment(static_cast<int>(std::lround(seconds / period / 4)), 2e-8);
  auto task = [&](double lo, double hi) {
    return nlohmann::json{{"kind", "regression"},     {"samples", 5},           {"train_samples", 4},
                          {"input_volts", {lo, hi}}, {"coefficients", coefficients}, {"offset_volts", offsets}};
  };
  doc["task"] = task(0.0, 0.5);
  doc["dynamics"] = {{"period_seconds", period},
                     {"window_seconds", period / 10},
                     {"alternate", {{"task_seconds", task_seconds}, {"task", task(0.5, 1.0)}}}};
  return doc;
}

Machine machine(const nlohmann::json& doc) { return plan_machine(parse_train_config(doc, ".", "exp.json")); }

std::string error_of(const nlohmann::json& doc) {
  try {
    machine(doc);
  } catch (const InputError& e) {
    return e.id() + " at " + e.where() + ": " + e.message();
  }
  return "no error";
}

// The span of the limit cycle: max over two rows of the last `rows` of |p(t) - p(t')| / p(0) (the
// Euclidean norm of the parameters relative to their start).
double span(const Trajectory& t, size_t rows) {
  const auto& start = t.rows.front().parameters;
  double worst = 0.0;
  for (size_t a = t.rows.size() - rows; a < t.rows.size(); ++a)
    for (size_t b = a + 1; b < t.rows.size(); ++b) {
      double d2 = 0.0;
      for (size_t i = 0; i < start.size(); ++i) {
        const double d = (t.rows[a].parameters[i] - t.rows[b].parameters[i]) / start[i];
        d2 += d * d;
      }
      worst = std::max(worst, std::sqrt(d2));
    }
  return worst;
}

}  // namespace

TEST_CASE("imperfection: a twin mismatch or device spread of 0 gives the perfect machine's trajectory bit for bit",
          "[dynamics]") {
  const Trajectory perfect = run_on_ideal(machine(lab16_experiment(5)));
  for (const char* key : {"twin_mismatch", "device_spread", "bias_amps"}) {
    INFO(key);
    auto doc = lab16_experiment(5);
    doc["dynamics"] = {{key, 0.0}};
    const Trajectory t = run_on_ideal(machine(doc));
    REQUIRE(t.rows.size() == perfect.rows.size());
    for (size_t r = 0; r < t.rows.size(); ++r) CHECK(t.rows[r].parameters == perfect.rows[r].parameters);
    doc["dynamics"][key] = std::string(key) == "bias_amps" ? 1e-9 : 0.05;
    const Trajectory changed = run_on_ideal(machine(doc));
    CHECK(changed.rows.back().parameters != perfect.rows.back().parameters);
  }
}

TEST_CASE("imperfection: the imperfect ODE with a negligible bias follows the perfect ODE", "[dynamics]") {
  // The imperfect flow solves the free and clamped copies apart; the perfect one solves them as a twin.
  const Trajectory perfect = run_on_ideal(machine(lab16_experiment(10)));
  auto doc = lab16_experiment(10);
  doc["dynamics"] = {{"bias_amps", 1e-30}};
  const Machine m = machine(doc);
  REQUIRE(m.imperfection.changes_flow());
  const Trajectory t = run_on_ideal(m);
  for (size_t i = 0; i < m.learned.size(); ++i)
    CHECK_THAT(t.rows.back().parameters[i], Catch::WithinRel(perfect.rows.back().parameters[i], 1e-6));
}

TEST_CASE("imperfection: with learning off a bias current drifts each parameter by I t / C on both backends",
          "[dynamics][ngspice]") {
  auto doc = lab16_experiment(3, 1e-30);  // alpha must be > 0: 1e-30 moves nothing measurable
  doc["dynamics"] = {{"bias_amps", 1e-5}};
  const Machine m = machine(doc);
  const double seconds = m.period_end(m.periods - 1);
  int moved = 0;
  for (const Trajectory& t : {run_on_ideal(m), run_on_ngspice(m)}) {
    INFO(t.backend);
    REQUIRE(t.complete);
    for (size_t i = 0; i < m.learned.size(); ++i) {
      const int j = m.learned[i];
      const double expected = m.imperfection.bias[j] / m.spec.learning_farads * seconds * m.net.edges[j].siemens;
      CHECK_THAT(t.rows.back().parameters[i] - t.rows.front().parameters[i], Catch::WithinRel(expected, 1e-6));
      moved += std::abs(expected) > 1e-3 * m.net.edges[j].siemens;
    }
  }
  CHECK(moved > 16);  // the draws are not all tiny
}

TEST_CASE("imperfection: alternating tasks switch every task_seconds, in the targets and in the loss", "[dynamics]") {
  const double P = 4e-4;
  const Machine m = machine(alternating_experiment(8 * P, 32 * P));
  REQUIRE(m.periods == 32);
  for (std::int64_t p : {0, 7, 16, 23}) CHECK(m.task_of(p) == 0);
  for (std::int64_t p : {8, 15, 24, 31}) CHECK(m.task_of(p) == 1);
  CHECK(&m.sample_at(8) == &m.second.train[0]);
  CHECK(m.sample_at(8).input_volts[0] >= 0.5);  // the second task's inputs
  CHECK(m.sample_at(7).input_volts[0] < 0.5);
  // The first target waveform ramps to the second task's first target over one edge at t = 8 P.
  const Waveform& w = m.circuit.targets[0];
  bool switched = false;
  for (size_t i = 0; i + 1 < w.times.size(); ++i)
    if (std::abs(w.times[i] - 8 * P) < 1e-15) {
      switched = true;
      CHECK(w.values[i + 1] == m.second.train[0].targets[0]);
      CHECK_THAT(w.times[i + 1] - w.times[i], Catch::WithinRel(m.spec.edge_seconds, 1e-9));
    }
  CHECK(switched);
  const Trajectory t = run_on_ideal(m);
  CHECK(t.rows[9].sample == 0);  // period 8: the second task's first sample
}

TEST_CASE("imperfection: ngspice's transient and the ODE agree with spread, mismatch, bias and two tasks",
          "[dynamics][ngspice]") {
  auto doc = alternating_experiment(4 * 4e-4, 16 * 4e-4);
  doc["alpha"] = 2e-7;
  doc["dynamics"]["device_spread"] = 0.1;
  doc["dynamics"]["twin_mismatch"] = 0.05;
  doc["dynamics"]["bias_amps"] = 1e-8;
  const Machine m = machine(doc);
  const Trajectory ng = run_on_ngspice(m), ode = run_on_ideal(m);
  REQUIRE(ng.complete);
  REQUIRE(ng.rows.size() == ode.rows.size());
  double gap = 0.0, moved = 0.0;
  for (size_t r = 0; r < ng.rows.size(); ++r)
    for (size_t i = 0; i < m.learned.size(); ++i) {
      const double a = ode.rows[r].parameters[i];
      gap = std::max(gap, std::abs(ng.rows[r].parameters[i] - a) / std::abs(a));
      moved = std::max(moved, std::abs(a / ode.rows[0].parameters[i] - 1.0));
    }
  CHECK(moved > 1e-2);
  CHECK(gap < 1e-4);
}

TEST_CASE("imperfection: overclamping shrinks the limit cycle of two alternating tasks", "[dynamics]") {
  const double tau = 0.02, period = 2e-3;
  auto doc = alternating_experiment(tau, 1.0, period);
  doc["alpha"] = 3e-7;
  doc["dynamics"]["twin_mismatch"] = 0.01;
  const size_t cycle = static_cast<size_t>(std::lround(2 * tau / period));
  const double standard = span(run_on_ideal(machine(doc)), cycle);
  doc["dynamics"]["overclamp"] = {{"low_volts", 0.0}, {"high_volts", 1.0}, {"error_volts", 0.25}, {"eta", 0.25}};
  const double over = span(run_on_ideal(machine(doc)), cycle);
  INFO("standard " << standard << ", overclamped " << over);
  CHECK(standard > 1e-3);
  CHECK(over < 0.5 * standard);
}

TEST_CASE("imperfection: bad values are refused with their pointer and what to change", "[dynamics]") {
  auto with = [](const nlohmann::json& dynamics) {
    auto doc = lab16_experiment(3);
    doc["dynamics"] = dynamics;
    return error_of(doc);
  };
  CHECK_THAT(with({{"twin_mismatch", -0.1}}), Contains("dynamics.negative at exp.json#/dynamics/twin_mismatch"));
  CHECK_THAT(with({{"device_spread", 2}}), Contains("dynamics.too_large at exp.json#/dynamics/device_spread"));
  CHECK_THAT(with({{"bias_amps", -1e-9}}), Contains("dynamics.negative at exp.json#/dynamics/bias_amps"));
  CHECK_THAT(with({{"bias_amps", "big"}}), Contains("dynamics.wrong_type at exp.json#/dynamics/bias_amps"));
  CHECK_THAT(with({{"alternate", {{"task_seconds", 1e-3}, {"task", {{"kind", "allostery"}}}}}}),
             Contains("dynamics.not_whole_periods at exp.json#/dynamics/alternate/task_seconds"));
  CHECK_THAT(with({{"alternate", {{"task_seconds", 0}, {"task", {{"kind", "allostery"}}}}}}),
             Contains("dynamics.not_positive at exp.json#/dynamics/alternate/task_seconds"));
  CHECK_THAT(with({{"alternate", {{"task_seconds", 8e-4}}}}),
             Contains("dynamics.missing_key at exp.json#/dynamics/alternate/task"));
  CHECK_THAT(with({{"alternate", {{"task_seconds", 8e-4}, {"task", {{"kind", "allostery"}, {"targets_volts", {0.1}}}}}}}),
             Contains("task.targets at exp.json#/dynamics/alternate/task/targets_volts"));
  CHECK_THAT(with({{"alternate", {{"task_seconds", 8e-4}, {"task", {{"kind", "nonsense"}}}}}}),
             Contains("at exp.json#/dynamics/alternate/task/kind"));
  CHECK_THAT(with({{"overclamp", {{"low_volts", 0.5}, {"high_volts", 0.1}, {"error_volts", 0.05}}}}),
             Contains("dynamics.bad_overclamp at exp.json#/dynamics/overclamp/high_volts"));
  CHECK_THAT(with({{"overclamp", {{"low_volts", 0}, {"high_volts", 0.45}, {"error_volts", 0}}}}),
             Contains("dynamics.not_positive at exp.json#/dynamics/overclamp/error_volts"));
  CHECK_THAT(with({{"overclamp", {{"low_volts", 0}, {"high_volts", 0.45}, {"error_volts", 0.1}, {"eta", 1.5}}}}),
             Contains("dynamics.bad_overclamp at exp.json#/dynamics/overclamp/eta"));
  CHECK_THAT(with({{"overclamp", {{"low_volts", 0}, {"high_volts", 0.45}}}}),
             Contains("dynamics.missing_key at exp.json#/dynamics/overclamp/error_volts"));
  CHECK_THAT(with({{"overclamp", {{"low_volts", 0}, {"high_volts", 0.45}, {"error_volts", 1}, {"gain", 2}}}}),
             Contains("dynamics.unknown_key"));
  auto relaxed = lab16_experiment(3);
  relaxed["dynamics"] = {{"relaxation", "integrated"}, {"twin_mismatch", 0.01}};
  CHECK_THAT(error_of(relaxed), Contains("dynamics.unsupported at exp.json#/dynamics/relaxation"));
  // Overclamping has no deck: ngspice refuses it before starting.
  auto doc = lab16_experiment(3);
  doc["dynamics"] = {{"overclamp", {{"low_volts", 0}, {"high_volts", 0.45}, {"error_volts", 0.05}}}};
  const Machine m = machine(doc);
  try {
    run_on_ngspice(m);
    FAIL("ngspice ran an overclamped machine");
  } catch (const InputError& e) {
    CHECK(e.id() == "dynamics.unsupported");
    CHECK(e.where() == "exp.json#/dynamics/overclamp");
  }
}
