#pragma once
// One connection's view of an instrument: a line framer feeding a processor, with the answers
// waiting in an output buffer until the transport takes them. Memory stays bounded: the framer
// holds at most max_line_bytes (overrun: -363), and answers left unread past max_output_bytes
// are discarded with -410 "Query INTERRUPTED" (a client that never reads). Pure code, no I/O;
// several sessions may share one tree and Status if their owner runs them one at a time.
#include <cstddef>
#include <string>
#include <string_view>

#include "drivers/scpi/framer.hpp"
#include "drivers/scpi/processor.hpp"

namespace spiceloop::scpi {

struct SessionLimits {
  std::size_t max_line_bytes = LineFramer::default_max_line_bytes;
  std::size_t max_output_bytes = 1 << 20;
};

class Session {
 public:
  Session(const CommandTree& tree, Status& status, SessionLimits limits = {});

  // Frames the bytes and executes every completed message, in order.
  void feed(std::string_view bytes) noexcept;
  std::string take_output();
  std::size_t pending_output_bytes() const { return output_.size(); }
  const LineFramer& framer() const { return framer_; }

 private:
  Processor processor_;
  Status& status_;
  SessionLimits limits_;
  LineFramer framer_;
  std::vector<Frame> frames_;
  std::string output_;
};

}  // namespace spiceloop::scpi
