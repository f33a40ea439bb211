// Training progress on stderr: a one-line bar redrawn in place when stderr is a terminal, plain
// log lines (one per epoch) otherwise, so that logs and CI output stay readable.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace spiceloop {

enum class ProgressMode { Auto, Bar, Lines, Off };

class Progress {
 public:
  Progress(ProgressMode mode, int epochs, std::int64_t total_steps);
  ~Progress();

  // After every step; redraws the bar at most ten times a second.
  void step(int epoch, std::int64_t step, double steps_per_s);
  // After every epoch (accuracy < 0: not a classification task).
  void epoch(int epoch, double train_loss, double test_loss, double test_accuracy, double steps_per_s);
  void finish();

 private:
  void draw(bool force);
  bool bar_ = false, lines_ = false, drawn_ = false;
  int epochs_;
  std::int64_t total_;
  int epoch_ = 0;
  std::int64_t step_ = 0;
  double rate_ = 0.0, loss_ = -1.0, accuracy_ = -1.0;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace spiceloop
