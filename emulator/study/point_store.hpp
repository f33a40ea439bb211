// Finished points on disk, so that a killed sweep resumes without redoing them:
// DIR/points/<index>.csv holds one results row, written atomically once the point is done (a
// killed point leaves no file, or a stale .tmp that is ignored). DIR/sweep.json records the sweep
// that owns the directory; a different sweep is refused (InputError "sweep.changed").
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace spiceloop::study {

class PointStore {
 public:
  explicit PointStore(std::filesystem::path out_dir);

  // Rank 0: creates the directories and writes or checks DIR/sweep.json.
  void claim(const nlohmann::json& sweep_document) const;

  std::optional<std::string> find(std::int64_t index) const;  // the stored row
  void put(std::int64_t index, const std::string& row) const;

 private:
  std::filesystem::path path(std::int64_t index) const;
  std::filesystem::path dir_;
};

}  // namespace spiceloop::study
