#include "drivers/scpi/error_queue.hpp"

#include <cassert>

#include "drivers/scpi/error.hpp"
#include "drivers/scpi/response.hpp"

namespace spiceloop::scpi {

ErrorQueue::ErrorQueue(std::size_t capacity) : capacity_(capacity) { assert(capacity >= 1); }

void ErrorQueue::push(int code, std::string detail) {
  if (entries_.size() < capacity_) {
    entries_.push_back({code, std::move(detail)});
    return;
  }
  entries_.back() = {err::queue_overflow, {}};
}

std::string ErrorQueue::pop_formatted() {
  if (entries_.empty()) return format_error(0, {});
  QueuedError e = std::move(entries_.front());
  entries_.pop_front();
  return format_error(e.code, e.detail);
}

std::string format_error(int code, const std::string& detail) {
  std::string text(standard_message(code));
  if (!detail.empty()) {
    if (!text.empty()) text += ';';
    text += detail;
  }
  return nr1(code) + "," + quoted(text);
}

}  // namespace spiceloop::scpi
