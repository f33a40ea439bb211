// DIR/metrics.jsonl: one JSON object per line. The first line is a header (rule, convention,
// update, task); then "step" records (if metrics = "step") and "epoch" records. Timing fields
// (steps_per_s) appear only in epoch records; everything else is a deterministic function of the
// config, so a resumed run writes the same lines apart from timing.
// Undefined values (accuracy of a regression, the identity of a nonlinear network) are null.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

namespace spiceloop {

class MetricsWriter {
 public:
  // Opens path for appending; with truncate_to set, first cuts the file to that many bytes (resume).
  MetricsWriter(const std::filesystem::path& path, bool fresh, std::uint64_t truncate_to = 0);
  ~MetricsWriter();
  MetricsWriter(const MetricsWriter&) = delete;
  MetricsWriter& operator=(const MetricsWriter&) = delete;

  void write(const nlohmann::ordered_json& record);  // one line, flushed; keys in the order given
  std::uint64_t offset() const { return offset_; }
  void sync();  // fsync, so that a checkpoint never points past what is on disk

 private:
  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  std::uint64_t offset_ = 0;
};

}  // namespace spiceloop
