#include "drivers/scpi/session.hpp"

#include "drivers/scpi/error.hpp"

namespace spiceloop::scpi {

Session::Session(const CommandTree& tree, Status& status, SessionLimits limits)
    : processor_(tree, status), status_(status), limits_(limits), framer_(limits.max_line_bytes) {}

void Session::feed(std::string_view bytes) noexcept {
  frames_.clear();
  framer_.feed(bytes, frames_);
  for (const Frame& f : frames_) {
    if (f.kind == Frame::Kind::Overrun) {
      status_.report(err::input_buffer_overrun);
      continue;
    }
    std::string answer = processor_.execute(f.message);
    if (answer.empty()) continue;
    if (output_.size() + answer.size() > limits_.max_output_bytes) {
      status_.report(err::query_interrupted);
      output_.clear();
      output_.shrink_to_fit();
      if (answer.size() > limits_.max_output_bytes) continue;
    }
    output_ += answer;
  }
  frames_.clear();
}

std::string Session::take_output() {
  std::string out;
  out.swap(output_);
  return out;
}

}  // namespace spiceloop::scpi
