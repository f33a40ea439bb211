#pragma once
// The history behind the panel's live charts: one point per learning step (or clock sample) with
// loss, accuracy, Q = sum k^2 and the identity residual, any of them absent (NaN: an accuracy of a
// regression, a residual without an oracle). Bounded: past max_points every other point of the
// older half is dropped, so a long run still shows from its start, at a coarser grain.
// Every point has a sequence number; since(n) is what a page that has seen up to n-1 lacks, as
// columns that uPlot plots directly. clear() (a new run, a clock reset) starts a new generation,
// and a page seeing another generation starts over. Thread-safe: a training thread appends while
// the io thread reads.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <mutex>

#include <nlohmann/json.hpp>

namespace spiceloop::panel {

struct ChartPoint {
  static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
  double step = 0.0;
  double loss = kNone, accuracy = kNone, q = kNone, residual = kNone;
};

class ChartLog {
 public:
  explicit ChartLog(std::size_t max_points = 4000) : max_points_(max_points < 16 ? 16 : max_points) {}

  void add(const ChartPoint& p);
  // A record at the same step as the last point fills that point's absent fields instead (an
  // epoch's accuracy after its last step).
  void merge(const ChartPoint& p);
  void clear();
  std::uint64_t generation() const;
  std::uint64_t next() const;
  std::size_t size() const;
  // {"generation":g,"next":n,"step":[...],"loss":[...],"accuracy":[...],"Q":[...],"residual":[...]}
  // with the kept points of sequence >= since (all of them for another generation); NaN as null.
  nlohmann::json since(std::uint64_t generation, std::uint64_t since) const;

 private:
  struct Kept {
    std::uint64_t seq;
    ChartPoint point;
  };
  void thin();

  mutable std::mutex mutex_;
  std::size_t max_points_;
  std::deque<Kept> points_;
  std::uint64_t next_ = 0;
  std::uint64_t generation_ = 1;
};

}  // namespace spiceloop::panel
