// The bundled experiments (netlists/experiments/) as tests run them: shorter, or with another rule.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "emulator/learning/config.hpp"
#include "tests/common/files.hpp"
#include "tests/common/paths.hpp"

namespace spiceloop::test {

// A bundled experiment with some keys replaced (e.g. fewer epochs), resolved as if read from its
// file: relative paths from its folder, error locations in its name.
inline TrainConfig bundled_experiment(const std::string& name, const nlohmann::json& patch = nlohmann::json::object()) {
  const std::filesystem::path file = experiment_file(name);
  nlohmann::json doc = read_json(file);
  doc.merge_patch(patch);
  return parse_train_config(doc, file.parent_path(), file.string());
}

}  // namespace spiceloop::test
