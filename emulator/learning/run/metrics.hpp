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

#include "emulator/core/fingerprint.hpp"

namespace spiceloop {

class MetricsWriter {
 public:
  // A fresh file at path.
  explicit MetricsWriter(const std::filesystem::path& path);
  // Resume: the file cut to the first truncate_to bytes, which must have the digest the checkpoint
  // recorded (InputError checkpoint.metrics otherwise: shorter, edited, or another run's file).
  MetricsWriter(const std::filesystem::path& path, std::uint64_t truncate_to, const std::string& digest);
  ~MetricsWriter();
  MetricsWriter(const MetricsWriter&) = delete;
  MetricsWriter& operator=(const MetricsWriter&) = delete;

  void write(const nlohmann::ordered_json& record);  // one line, flushed; keys in the order given
  std::uint64_t offset() const { return offset_; }
  std::string digest() const { return digest_.hex(); }  // of the offset() bytes written so far
  void sync();  // fsync, so that a checkpoint never points past what is on disk

 private:
  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  std::uint64_t offset_ = 0;
  Fingerprint digest_;
};

}  // namespace spiceloop
