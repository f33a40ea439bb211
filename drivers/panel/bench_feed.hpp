#pragma once
// The panel's view of the emulated lab that `serve` runs: the Bench's network with its true
// conductances and node voltages, each instrument's state and error queue, the faults in force,
// the traffic log's tail, and the learning clock's loss and Q as it ticks.
//
// Read-only: values() reads exact values only (Bench::truth, the setpoints, the codes), never a
// reading through the realism knobs, so an open panel draws no noise and moves no generator. A
// truth() after a change solves, as the control port's "truth" does (it counts in solve_count).
// It holds the bench mutex while it reads the bench, then each port's for its error queue.
// Actions go to the control port's own handler (the same JSON requests, the same checks and
// answers); only pause, resume, fault and reseed pass. values() runs on the group's io thread.
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/panel/feed.hpp"
#include "drivers/server/server_group.hpp"
#include "emulator/bench/bench.hpp"
#include "emulator/bench/digipot_board.hpp"
#include "emulator/bench/learning_clock.hpp"

namespace spiceloop::panel {

struct BenchView {
  Bench& bench;
  std::mutex& bench_mutex;
  server::ServerGroup& group;
  const DigipotBoard* digipots = nullptr;  // the board whose belief the panel shows
  LearningClock* clock = nullptr;          // the learning network's clock
  // A control-port request line to its answer line (standins::ControlPort::handle); empty: no actions.
  std::function<std::string(std::string_view)> control;
  std::string title;
  std::size_t traffic_tail = 40;  // entries per frame
};

class BenchFeed : public Feed {
 public:
  explicit BenchFeed(BenchView view);

  nlohmann::json graph() override;
  nlohmann::json values() override;
  ChartLog& charts() override { return charts_; }
  nlohmann::json actions() const override;
  nlohmann::json act(const nlohmann::json& request) override;

 private:
  nlohmann::json instruments();
  nlohmann::json traffic();
  void sample_clock();

  BenchView view_;
  ChartLog charts_;
  std::vector<double> last_siemens_;
  std::vector<double> change_;  // per edge: the last change of its conductance, S
  std::vector<std::optional<std::chrono::steady_clock::time_point>> changed_at_;
  std::int64_t sampled_clock_ = 0;
};

}  // namespace spiceloop::panel
