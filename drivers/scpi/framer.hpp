#pragma once
// Incremental line framer: bytes in (any split), complete program messages out.
// A message ends at `\n`; one `\r` right before it is stripped. Inside a definite-length block
// (`#<d><len>` then len bytes) a `\n` is data, not a terminator, so REAL,64 uploads survive;
// a `#` inside a quoted string starts no block. A `\n` always ends a quoted string.
// A message longer than max_line_bytes yields one Overrun frame (-363 "Input buffer overrun") and
// the rest of it, up to the next `\n`, is discarded: the buffer never holds more than
// max_line_bytes, whatever the input. A block header announcing more than fits in max_line_bytes
// overruns as soon as its length digits say so, and framing resumes at the next `\n` (the bytes
// it announced are not waited for: they would swallow the commands that follow).
// Pure code: no I/O, no threads.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace spiceloop::scpi {

struct Frame {
  enum class Kind { Message, Overrun };
  Kind kind = Kind::Message;
  std::string message;  // empty for Overrun
};

class LineFramer {
 public:
  static constexpr std::size_t default_max_line_bytes = 64 * 1024;
  explicit LineFramer(std::size_t max_line_bytes = default_max_line_bytes);

  // Appends the frames completed by these bytes to `out`, in arrival order.
  void feed(std::string_view bytes, std::vector<Frame>& out);
  std::vector<Frame> feed(std::string_view bytes);

  std::size_t buffered_bytes() const { return buffer_.size(); }
  std::size_t buffer_capacity() const { return buffer_.capacity(); }
  bool discarding() const { return discarding_; }

 private:
  enum class State { Text, Quote, Hash, BlockDigits, BlockBytes };
  void append(char c, std::vector<Frame>& out);
  void end_line(std::vector<Frame>& out);
  void overrun(std::vector<Frame>& out);

  std::size_t max_line_bytes_;
  std::string buffer_;
  State state_ = State::Text;
  std::size_t digits_left_ = 0;
  std::size_t block_left_ = 0;
  bool discarding_ = false;
  char quote_ = '"';
};

}  // namespace spiceloop::scpi
