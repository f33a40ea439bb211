#pragma once
// The SCPI error/event queue: FIFO, bounded (default 20 entries). When full, the newest entry is
// replaced by -350 "Queue overflow" and later errors are dropped until the queue is read, so the
// oldest errors (the causes) survive. Entries read as `<code>,"<text>[;<detail>]"`; an empty queue
// reads `+0,"No error"`. Not thread-safe: the owner serialises commands.
#include <cstddef>
#include <deque>
#include <string>

namespace spiceloop::scpi {

struct QueuedError {
  int code = 0;
  std::string detail;
};

class ErrorQueue {
 public:
  explicit ErrorQueue(std::size_t capacity = 20);

  void push(int code, std::string detail = {});
  // Removes and formats the oldest entry; `+0,"No error"` when empty.
  std::string pop_formatted();
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  void clear() { entries_.clear(); }

 private:
  std::size_t capacity_;
  std::deque<QueuedError> entries_;
};

// `<code>,"<text>[;<detail>]"` with the code in NR1 with sign and quotes in the text doubled.
std::string format_error(int code, const std::string& detail);

}  // namespace spiceloop::scpi
