#pragma once
// The panel's view of a training run: live (`train --panel`: the run's observer calls record()
// from the training thread after each step and evaluation) or replayed (`panel RUN_DIR`: records
// read back from metrics.jsonl). Charts: a step record gives loss, Q and the relative identity
// residual at its step; an epoch record adds the test accuracy there (and the train loss when the
// run writes no step records). The network view shows the network as it stands, each edge's last
// applied update as its change, and the free state of the last batch's first sample as the node
// voltages. Thread-safe: record() on the training thread, the rest on the panel's io thread.
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "drivers/panel/feed.hpp"
#include "emulator/network/network.hpp"

namespace spiceloop::panel {

class RunFeed : public Feed {
 public:
  // kind: "run" (live) or "replay".
  RunFeed(std::string title, Network network, std::string kind = "run");

  nlohmann::json graph() override;
  nlohmann::json values() override;
  ChartLog& charts() override { return charts_; }

  // A metrics.jsonl record (header, step or epoch; others are ignored). siemens: the conductances
  // now (empty: unchanged); dk: the update the step applied; free_volts: node voltages to draw.
  void record(const nlohmann::json& record, std::span<const double> siemens = {}, std::span<const double> dk = {},
              std::span<const double> free_volts = {});
  // What the run card shows beside the charts ("finished", "replaying 40 %", ...).
  void set_status(std::string status);

 private:
  mutable std::mutex mutex_;
  std::string title_, kind_;
  Network network_;
  std::vector<double> siemens_, dk_, volts_;
  nlohmann::json info_ = nlohmann::json::object();
  ChartLog charts_;
};

// A metrics record's point for the charts, if it is a step or epoch record.
std::optional<ChartPoint> chart_point(const nlohmann::json& record);

}  // namespace spiceloop::panel
