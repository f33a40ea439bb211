// Progress of long work on stderr, with the rate and an ETA: a one-line bar redrawn in place when
// stderr is a terminal, plain log lines otherwise (so that logs and CI output stay readable).
// WorkProgress counts units of any work (sweep points, benchmark cases) and logs a line every few
// seconds; Progress is training's (epochs and steps, a line per evaluated epoch).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace spiceloop {

enum class ProgressMode { Auto, Bar, Lines, Off };

// "12 s", "3 min 05 s", "1 h 02 min"; "?" before there is a rate.
std::string format_eta(double seconds);

class WorkProgress {
 public:
  // what: "sweep", "perf solve"; unit: "points", "cases" (plural).
  WorkProgress(ProgressMode mode, std::string what, std::int64_t total, std::string unit);
  ~WorkProgress();
  WorkProgress(const WorkProgress&) = delete;
  WorkProgress& operator=(const WorkProgress&) = delete;

  // done units so far, of which `instant` cost nothing (resumed points) and do not count in the
  // rate; detail is appended (the case being measured). Bar: at most ten redraws a second;
  // lines: one every lines_every seconds, and always for the last unit.
  void update(std::int64_t done, std::int64_t instant = 0, const std::string& detail = "");
  void finish();

  double lines_every = 5.0;

 private:
  std::string text() const;
  bool bar_ = false, lines_ = false, drawn_ = false;
  std::string what_, unit_, detail_;
  std::int64_t total_, done_ = 0, instant_ = 0;
  std::chrono::steady_clock::time_point start_, last_draw_{};
};

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
