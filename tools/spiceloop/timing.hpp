// Benchmark timing: repeat an action until a time budget or a repetition cap, report the median.
// Benchmarks print figures; nothing here asserts a speed.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

namespace spiceloop::cli {

struct Timing {
  double median_seconds = 0.0;
  int repetitions = 0;
};

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Runs `action` at least min_reps times, then until budget_seconds are spent or max_reps reached.
inline Timing time_median(const std::function<void()>& action, double budget_seconds, int min_reps = 3,
                          int max_reps = 200) {
  std::vector<double> samples;
  const auto start = std::chrono::steady_clock::now();
  while (static_cast<int>(samples.size()) < min_reps ||
         (static_cast<int>(samples.size()) < max_reps && seconds_since(start) < budget_seconds)) {
    const auto t0 = std::chrono::steady_clock::now();
    action();
    samples.push_back(seconds_since(t0));
  }
  std::nth_element(samples.begin(), samples.begin() + samples.size() / 2, samples.end());
  return {samples[samples.size() / 2], static_cast<int>(samples.size())};
}

}  // namespace spiceloop::cli
