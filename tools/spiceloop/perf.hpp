// What the `spiceloop perf` benchmarks share: the timing loop (repeat an action until a time budget
// or a repetition cap, report the median), their common options and their crossbar cases. The
// benchmarks print figures; nothing here asserts a speed. "perf", not "bench": a bench is the
// emulated lab table.
#pragma once

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "emulator/core/progress.hpp"
#include "emulator/network/network.hpp"

namespace spiceloop::cli {

void add_perf_train(CLI::App& perf);  // perf_train.cpp
void add_perf_scpi(CLI::App& perf);   // perf_scpi.cpp

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

// Two actions timed call by call in alternation, so that both see the same machine: the ratio of
// their medians then holds when other load comes and goes during the measurement.
inline std::pair<Timing, Timing> paired_medians(const std::function<void()>& a, const std::function<void()>& b,
                                                double budget_seconds, int min_reps = 3, int max_reps = 200) {
  std::vector<double> sa, sb;
  const auto start = std::chrono::steady_clock::now();
  while (static_cast<int>(sa.size()) < min_reps ||
         (static_cast<int>(sa.size()) < max_reps && seconds_since(start) < budget_seconds)) {
    auto t0 = std::chrono::steady_clock::now();
    a();
    sa.push_back(seconds_since(t0));
    t0 = std::chrono::steady_clock::now();
    b();
    sb.push_back(seconds_since(t0));
  }
  const auto median = [](std::vector<double>& s) {
    std::nth_element(s.begin(), s.begin() + s.size() / 2, s.end());
    return Timing{s[s.size() / 2], static_cast<int>(s.size())};
  };
  return {median(sa), median(sb)};
}

// The options of `perf solve` and `perf train`: --sizes, --budget, --json.
struct PerfArgs {
  std::vector<int> sizes = {8, 16, 32, 64};
  double budget_seconds = 1.0;
  bool json = false;
};
void add_perf_options(CLI::App& cmd, PerfArgs& args);

struct PerfCase {
  std::string name;
  Network net;
};

// An n x n crossbar of 10 kOhm .. 100 kOhm cells (seed 1), with wires of wire_ohms when > 0.
PerfCase crossbar_case(int n, double wire_ohms = 0.0);

}  // namespace spiceloop::cli
