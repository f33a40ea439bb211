// The "dynamics" section of an experiment: defaults, and every bad value an InputError with its id
// and JSON pointer, before anything is simulated.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "emulator/core/error.hpp"
#include "emulator/dynamics/machine.hpp"
#include "emulator/dynamics/spec.hpp"
#include "tests/common/paths.hpp"

using namespace spiceloop;
using Catch::Matchers::Contains;

namespace {

nlohmann::json lab16_experiment() {
  return {{"network", test::bundled("lab16.json")},
          {"task", {{"kind", "allostery"}}},
          {"rule", {{"kind", "cl"}, {"eta", 0.5}}},
          {"alpha", 2e-7},
          {"epochs", 3},
          {"seed", 1}};
}

// The InputError plan_machine throws for doc, as "id at where: message".
std::string error_of(const nlohmann::json& doc) {
  try {
    plan_machine(parse_train_config(doc, ".", "exp.json"));
  } catch (const InputError& e) {
    return e.id() + " at " + e.where() + ": " + e.message();
  }
  return "no error";
}

}  // namespace

TEST_CASE("dynamics spec: an experiment without a dynamics section gets the documented defaults", "[dynamics]") {
  const Machine m = plan_machine(parse_train_config(lab16_experiment(), ".", "exp.json"));
  CHECK(m.spec.window_seconds == 1e-4);
  CHECK(m.spec.edge_seconds == 1e-6);
  CHECK(m.spec.period_seconds == 4e-4);
  CHECK(m.spec.node_farads == 1e-12);
  CHECK(m.spec.learning_farads == 2.2e-6);
  CHECK(m.spec.epochs == 3);
  CHECK(m.periods == 3);  // allostery: one sample
  CHECK(m.learned.size() == 16);
  CHECK_THAT(m.rate, Catch::WithinRel(2e-7 / 1.01e-4, 1e-12));
  CHECK(m.window_at(m.window_open(0)) == 0.0);
  CHECK_THAT(m.window_at(m.window_open(0) + 0.5e-6), Catch::WithinRel(0.5, 1e-9));
  CHECK(m.window_at(m.period_end(0) - 0.5e-4) == 1.0);
  CHECK(m.window_at(m.period_end(0)) == 0.0);
}

TEST_CASE("dynamics spec: a window longer than its period is refused with what to change", "[dynamics]") {
  auto doc = lab16_experiment();
  doc["dynamics"] = {{"window_seconds", 5e-4}, {"period_seconds", 4e-4}};
  const std::string e = error_of(doc);
  CHECK_THAT(e, Contains("dynamics.window_too_long at exp.json#/dynamics/window_seconds"));
  CHECK_THAT(e, Contains("make \"period_seconds\" longer"));
}

TEST_CASE("dynamics spec: an edge too short for ngspice's breakpoints is refused before it aborts a run", "[dynamics]") {
  auto doc = lab16_experiment();
  doc["dynamics"] = {{"edge_seconds", 1e-13}};
  const std::string e = error_of(doc);
  CHECK_THAT(e, Contains("dynamics.edge_too_short at exp.json#/dynamics/edge_seconds"));
  CHECK_THAT(e, Contains("at least 5e-10 s"));
}

TEST_CASE("dynamics spec: a capacitor of 0 is refused at its pointer", "[dynamics]") {
  for (const char* key : {"node_farads", "learning_farads", "window_seconds", "max_step_seconds"}) {
    auto doc = lab16_experiment();
    doc["dynamics"] = {{key, 0.0}};
    CHECK_THAT(error_of(doc), Contains(std::string("dynamics.not_positive at exp.json#/dynamics/") + key));
  }
}

TEST_CASE("dynamics spec: unknown keys, wrong types and unsupported rules are refused", "[dynamics]") {
  auto doc = lab16_experiment();
  doc["dynamics"] = {{"window_second", 1e-4}};
  CHECK_THAT(error_of(doc), Contains("dynamics.unknown_key at exp.json#/dynamics/window_second"));
  doc["dynamics"] = {{"node_farads", "1p"}};
  CHECK_THAT(error_of(doc), Contains("dynamics.wrong_type at exp.json#/dynamics/node_farads"));
  doc["dynamics"] = {{"epochs", 0}};
  CHECK_THAT(error_of(doc), Contains("dynamics.not_positive at exp.json#/dynamics/epochs"));
  doc["dynamics"] = nlohmann::json::object();
  doc["rule"] = {{"kind", "ep"}, {"beta", 1e-5}};
  CHECK_THAT(error_of(doc), Contains("dynamics.unsupported at exp.json#/rule/kind"));
  doc["rule"] = {{"kind", "cl"}, {"eta", 0.5}};
  doc["update"] = {{"mode", "sign"}};  // the experiment's own check refuses it first, at the same key
  CHECK_THAT(error_of(doc), Contains(" at exp.json#/update/mode"));
  doc["update"] = {{"parameter", "resistance"}};
  CHECK_THAT(error_of(doc), Contains("dynamics.unsupported at exp.json#/update/parameter"));
}
