// The lab16 allostery experiment the transient tests run (tests/dynamics), in memory.
#pragma once

#include <nlohmann/json.hpp>

#include "tests/common/paths.hpp"

namespace spiceloop::test {

inline nlohmann::json lab16_experiment(int epochs, double alpha = 2e-7) {
  return {{"network", bundled("lab16.json")},
          {"task", {{"kind", "allostery"}}},
          {"rule", {{"kind", "cl"}, {"eta", 0.5}}},
          {"alpha", alpha},
          {"epochs", epochs},
          {"seed", 1},
          {"tolerances", {{"reltol", 1e-7}}}};
}

}  // namespace spiceloop::test
