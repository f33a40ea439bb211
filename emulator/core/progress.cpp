#include "emulator/core/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "emulator/core/log.hpp"

namespace spiceloop {

namespace {

bool on_terminal(ProgressMode& mode) {
  if (mode == ProgressMode::Auto) mode = ::isatty(STDERR_FILENO) ? ProgressMode::Bar : ProgressMode::Lines;
  return mode == ProgressMode::Bar;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::string bar_of(std::int64_t done, std::int64_t total) {
  constexpr int width = 30;
  const int filled = total > 0 ? static_cast<int>(width * std::min(done, total) / total) : width;
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(width, '.');
  return bar;
}

// The bar bypasses the log sink on purpose: it redraws one terminal line in place.
void redraw(const std::string& text) {
  std::fputs(fmt::format("\r{}\x1b[K", text).c_str(), stderr);
  std::fflush(stderr);
}

}  // namespace

std::string format_eta(double seconds) {
  if (!(seconds >= 0.0) || seconds > 1e7) return "?";
  const auto s = static_cast<long long>(seconds + 0.5);
  if (s < 60) return fmt::format("{} s", s);
  if (s < 3600) return fmt::format("{} min {:02} s", s / 60, s % 60);
  return fmt::format("{} h {:02} min", s / 3600, (s % 3600) / 60);
}

WorkProgress::WorkProgress(ProgressMode mode, std::string what, std::int64_t total, std::string unit)
    : what_(std::move(what)), unit_(std::move(unit)), total_(total), start_(std::chrono::steady_clock::now()) {
  bar_ = on_terminal(mode);
  lines_ = mode == ProgressMode::Lines;
  last_draw_ = start_;
}

WorkProgress::~WorkProgress() { finish(); }

std::string WorkProgress::text() const {
  const double elapsed = seconds_since(start_);
  const std::int64_t paid = done_ - instant_;
  const double rate = elapsed > 0 ? paid / elapsed : 0.0;
  const std::string eta = done_ >= total_ ? "done" : paid > 0 ? "ETA " + format_eta((total_ - done_) / rate) : "ETA ?";
  std::string t = fmt::format("{}: {}/{} {}, {:.3g} {}/s, {}", what_, done_, total_, unit_, rate, unit_, eta);
  if (!detail_.empty()) t += ", " + detail_;
  return t;
}

void WorkProgress::update(std::int64_t done, std::int64_t instant, const std::string& detail) {
  done_ = done, instant_ = instant, detail_ = detail;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_draw_).count();
  if (bar_ && (!drawn_ || since >= 0.1 || done_ >= total_)) {
    redraw(fmt::format("[{}] {}", bar_of(done_, total_), text()));
    drawn_ = true;
    last_draw_ = now;
  } else if (lines_ && (since >= lines_every || done_ >= total_)) {
    log::info("{}", text());
    last_draw_ = now;
  }
}

void WorkProgress::finish() {
  if (bar_ && drawn_) {
    std::fputs("\n", stderr);
    drawn_ = false;
  }
}

Progress::Progress(ProgressMode mode, int epochs, std::int64_t total_steps) : epochs_(epochs), total_(total_steps) {
  bar_ = on_terminal(mode);
  lines_ = mode == ProgressMode::Lines;
}

Progress::~Progress() { finish(); }

void Progress::step(int epoch, std::int64_t step, double steps_per_s) {
  epoch_ = epoch, step_ = step, rate_ = steps_per_s;
  draw(false);
}

void Progress::epoch(int epoch, double train_loss, double test_loss, double test_accuracy, double steps_per_s) {
  epoch_ = epoch, loss_ = test_loss, accuracy_ = test_accuracy, rate_ = steps_per_s;
  if (bar_) draw(true);
  if (lines_) {
    const std::string acc = test_accuracy >= 0 ? fmt::format(" accuracy {:.1f} %", 100 * test_accuracy) : "";
    log::info("epoch {}/{} train loss {:.6g} test loss {:.6g}{} {:.0f} steps/s, ETA {}", epoch, epochs_, train_loss,
              test_loss, acc, steps_per_s, steps_per_s > 0 ? format_eta((total_ - step_) / steps_per_s) : "?");
  }
}

void Progress::draw(bool force) {
  if (!bar_) return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  drawn_ = true;
  std::string text = fmt::format("[{}] epoch {}/{} step {}/{}", bar_of(step_, total_), epoch_, epochs_, step_, total_);
  if (loss_ >= 0) text += fmt::format(" test loss {:.4g}", loss_);
  if (accuracy_ >= 0) text += fmt::format(" acc {:.1f}%", 100 * accuracy_);
  text += fmt::format(" {:.0f} steps/s ETA {}", rate_, rate_ > 0 ? format_eta((total_ - step_) / rate_) : "?");
  redraw(text);
}

void Progress::finish() {
  if (bar_ && drawn_) {
    draw(true);
    std::fputs("\n", stderr);
    drawn_ = false;
  }
}

}  // namespace spiceloop
