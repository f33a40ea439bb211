#include "drivers/scpi/framer.hpp"

namespace spiceloop::scpi {

LineFramer::LineFramer(std::size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

std::vector<Frame> LineFramer::feed(std::string_view bytes) {
  std::vector<Frame> out;
  feed(bytes, out);
  return out;
}

void LineFramer::end_line(std::vector<Frame>& out) {
  if (!discarding_) {
    if (!buffer_.empty() && buffer_.back() == '\r') buffer_.pop_back();
    out.push_back({Frame::Kind::Message, buffer_});
  }
  buffer_.clear();
  discarding_ = false;
  state_ = State::Text;
}

void LineFramer::overrun(std::vector<Frame>& out) {
  out.push_back({Frame::Kind::Overrun, {}});
  buffer_.clear();
  discarding_ = true;
  state_ = State::Text;
}

void LineFramer::append(char c, std::vector<Frame>& out) {
  if (discarding_) return;
  if (buffer_.size() >= max_line_bytes_) return overrun(out);
  buffer_.push_back(c);
}

void LineFramer::feed(std::string_view bytes, std::vector<Frame>& out) {
  for (char c : bytes) {
    if (discarding_) {
      if (c == '\n') end_line(out);
      continue;
    }
    switch (state_) {
      case State::BlockBytes:
        append(c, out);
        if (state_ == State::BlockBytes && --block_left_ == 0) state_ = State::Text;
        continue;
      case State::BlockDigits:
        if (c >= '0' && c <= '9') {
          block_left_ = block_left_ * 10 + static_cast<std::size_t>(c - '0');
          append(c, out);
          if (state_ != State::BlockDigits) continue;
          // More digits only make the length larger: a block that cannot fit is refused now, so
          // the lines after it are read as lines, not swallowed as block data.
          if (buffer_.size() + block_left_ > max_line_bytes_) {
            overrun(out);
            continue;
          }
          if (--digits_left_ == 0) state_ = block_left_ == 0 ? State::Text : State::BlockBytes;
          continue;
        }
        state_ = State::Text;  // malformed block: the parser reports it
        break;
      case State::Hash:
        if (c >= '1' && c <= '9') {
          append(c, out);
          if (state_ == State::Hash) {
            state_ = State::BlockDigits;
            digits_left_ = static_cast<std::size_t>(c - '0');
            block_left_ = 0;
          }
          continue;
        }
        state_ = State::Text;
        break;
      case State::Quote:
        if (c == quote_) {
          state_ = State::Text;  // a doubled quote leaves and re-enters: same result
          append(c, out);
          continue;
        }
        break;
      case State::Text:
        break;
    }
    if (c == '\n') {
      end_line(out);
    } else {
      append(c, out);
      if (state_ == State::Text && !discarding_) {
        if (c == '#') state_ = State::Hash;
        if (c == '"' || c == '\'') {
          state_ = State::Quote;
          quote_ = c;
        }
      }
    }
  }
}

}  // namespace spiceloop::scpi
