#include "drivers/panel/chart_log.hpp"

#include <cmath>

namespace spiceloop::panel {

namespace {

nlohmann::json number_or_null(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

void fill(double& into, double from) {
  if (std::isnan(into)) into = from;
}

}  // namespace

void ChartLog::add(const ChartPoint& p) {
  std::lock_guard lock(mutex_);
  points_.push_back({next_++, p});
  if (points_.size() > max_points_) thin();
}

void ChartLog::merge(const ChartPoint& p) {
  std::lock_guard lock(mutex_);
  if (points_.empty() || points_.back().point.step != p.step) {
    points_.push_back({next_++, p});
    if (points_.size() > max_points_) thin();
    return;
  }
  // The page has the point already unless it is resent: give it a new sequence number.
  Kept k = points_.back();
  points_.pop_back();
  fill(k.point.loss, p.loss), fill(k.point.accuracy, p.accuracy), fill(k.point.q, p.q), fill(k.point.residual, p.residual);
  k.seq = next_++;
  points_.push_back(k);
}

void ChartLog::thin() {
  // Keep every other point of the older half; the newest half stays at full grain.
  const std::size_t half = points_.size() / 2;
  std::deque<Kept> kept;
  for (std::size_t i = 0; i < points_.size(); ++i)
    if (i >= half || i % 2 == 0) kept.push_back(points_[i]);
  points_.swap(kept);
}

void ChartLog::clear() {
  std::lock_guard lock(mutex_);
  points_.clear();
  ++generation_;
}

std::uint64_t ChartLog::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

std::uint64_t ChartLog::next() const {
  std::lock_guard lock(mutex_);
  return next_;
}

std::size_t ChartLog::size() const {
  std::lock_guard lock(mutex_);
  return points_.size();
}

nlohmann::json ChartLog::since(std::uint64_t generation, std::uint64_t since) const {
  std::lock_guard lock(mutex_);
  if (generation != generation_) since = 0;
  nlohmann::json step = nlohmann::json::array(), loss = nlohmann::json::array(), accuracy = nlohmann::json::array(),
                 q = nlohmann::json::array(), residual = nlohmann::json::array();
  // A merged point moved to the back with a new number; the page replaces points by step.
  for (const Kept& k : points_) {
    if (k.seq < since) continue;
    step.push_back(k.point.step);
    loss.push_back(number_or_null(k.point.loss));
    accuracy.push_back(number_or_null(k.point.accuracy));
    q.push_back(number_or_null(k.point.q));
    residual.push_back(number_or_null(k.point.residual));
  }
  return {{"generation", generation_}, {"next", next_}, {"step", std::move(step)}, {"loss", std::move(loss)},
          {"accuracy", std::move(accuracy)}, {"Q", std::move(q)}, {"residual", std::move(residual)}};
}

}  // namespace spiceloop::panel
