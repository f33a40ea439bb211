#include "emulator/core/progress.hpp"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "emulator/core/log.hpp"

namespace spiceloop {

Progress::Progress(ProgressMode mode, int epochs, std::int64_t total_steps) : epochs_(epochs), total_(total_steps) {
  if (mode == ProgressMode::Auto) mode = ::isatty(STDERR_FILENO) ? ProgressMode::Bar : ProgressMode::Lines;
  bar_ = mode == ProgressMode::Bar;
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
    log::info("epoch {}/{} train loss {:.6g} test loss {:.6g}{} {:.0f} steps/s", epoch, epochs_, train_loss,
              test_loss, acc, steps_per_s);
  }
}

void Progress::draw(bool force) {
  if (!bar_) return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  drawn_ = true;
  constexpr int width = 30;
  const int filled = total_ > 0 ? static_cast<int>(width * step_ / total_) : width;
  std::string bar(filled, '#');
  bar.resize(width, '.');
  std::string text = fmt::format("\r[{}] epoch {}/{} step {}/{}", bar, epoch_, epochs_, step_, total_);
  if (loss_ >= 0) text += fmt::format(" test loss {:.4g}", loss_);
  if (accuracy_ >= 0) text += fmt::format(" acc {:.1f}%", 100 * accuracy_);
  text += fmt::format(" {:.0f} steps/s\x1b[K", rate_);
  // The bar bypasses the log sink on purpose: it redraws one terminal line in place.
  std::fputs(text.c_str(), stderr);
  std::fflush(stderr);
}

void Progress::finish() {
  if (bar_ && drawn_) {
    draw(true);
    std::fputs("\n", stderr);
    drawn_ = false;
  }
}

}  // namespace spiceloop
