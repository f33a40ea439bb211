// Experiment documents for tests, built in code. The network is passed to the Trainer directly,
// so "network" only has to parse.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "emulator/learning/config.hpp"
#include "tests/common/paths.hpp"

namespace spiceloop::testcfg {

inline nlohmann::json rule(const std::string& kind, double nudge, const std::string& convention = "code") {
  nlohmann::json r = {{"kind", kind}, {"convention", convention}};
  r[kind == "cl" ? "eta" : "beta"] = nudge;
  return r;
}

inline nlohmann::json allostery(const nlohmann::json& rule_json, double alpha, int epochs = 10) {
  return {{"network", "unused.json"},
          {"task", {{"kind", "allostery"}}},
          {"rule", rule_json},
          {"alpha", alpha},
          {"epochs", epochs},
          {"seed", 7}};
}

inline TrainConfig parse(const nlohmann::json& doc) { return parse_train_config(doc, test::source_dir()); }

}  // namespace spiceloop::testcfg
