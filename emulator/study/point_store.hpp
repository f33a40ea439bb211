// Finished points on disk, so that a killed sweep resumes without redoing them.
// put() keeps rows in memory; flush() writes them as one chunk file DIR/points/chunk-<index>.csv
// (<index>: the chunk's first point, 7 digits; one results row per line), atomically
// (core/atomic_file.hpp), so a kill leaves whole chunks and at worst a stale .tmp that is ignored.
// The sweep flushes every flush_points points or flush_seconds seconds (sweep.hpp): a kill loses
// at most that much work, and a sweep no longer pays an fsync per point. A chunk's name cannot
// clash: its first point was measured by this run, so no earlier chunk (of any rank) holds it.
// Runs from before chunks wrote one file per point, DIR/points/<index>.csv; load() reads those too
// (a file whose row does not name its own index is ignored, as before: that point is redone).
// A chunk line that is not an "index,..." row is refused (InputError "sweep.bad_points", naming
// the file and line). DIR/sweep.json records the sweep that owns the directory; a different sweep
// is refused (InputError "sweep.changed").
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace spiceloop::study {

class PointStore {
 public:
  explicit PointStore(std::filesystem::path out_dir);

  // Rank 0: creates the directories and writes or checks DIR/sweep.json.
  void claim(const nlohmann::json& sweep_document) const;

  // Every rank, after the claim: reads every stored row (chunks and old per-point files).
  void load();
  std::optional<std::string> find(std::int64_t index) const;  // the stored row

  // Keeps the row for the next flush (in index order of the calls).
  void put(std::int64_t index, const std::string& row);
  std::int64_t pending() const { return pending_count_; }
  // Writes the pending rows as one chunk (nothing when none are pending).
  void flush();

 private:
  void read_chunk(const std::filesystem::path& file);
  void read_point_file(const std::filesystem::path& file, std::int64_t index);
  std::filesystem::path dir_;
  std::unordered_map<std::int64_t, std::string> stored_;
  std::string pending_;
  std::int64_t pending_first_ = -1, pending_count_ = 0;
};

}  // namespace spiceloop::study
