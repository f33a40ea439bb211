// What write_checkpoint puts in a checkpoint's "digest": the fingerprint of every other field. For
// tests and fuzz targets that edit a checkpoint and want it to reach the field checks behind the
// digest check (emulator/learning/run/checkpoint.hpp).
#pragma once

#include <nlohmann/json.hpp>

#include "emulator/core/fingerprint.hpp"

namespace spiceloop::test {

inline void redigest(nlohmann::json& j) {
  nlohmann::json rest = j;
  rest.erase("digest");
  Fingerprint f;
  f.add(rest.dump());
  j["digest"] = f.hex();
}

}  // namespace spiceloop::test
