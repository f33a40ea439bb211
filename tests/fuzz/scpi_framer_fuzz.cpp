// The SCPI line framer on any bytes, split anywhere: the frames do not depend on how the bytes are
// split, no message passes the line limit, and the buffer never holds more than the limit.
// Input: byte 0 picks the limit (1..256), byte 1 a split seed, the rest is the stream.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "drivers/scpi/framer.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using spiceloop::scpi::Frame;
using spiceloop::scpi::LineFramer;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::size_t limit = 1 + data[0];
  const unsigned split_seed = data[1];
  const std::string bytes = fuzz::text_of(data + 2, size - 2);

  LineFramer whole(limit);
  const std::vector<Frame> expected = whole.feed(bytes);
  LineFramer pieces(limit);
  std::vector<Frame> got;
  std::size_t at = 0, step = 1 + split_seed % 7;
  while (at < bytes.size()) {
    const std::size_t n = std::min(step, bytes.size() - at);
    pieces.feed(std::string_view(bytes).substr(at, n), got);
    if (pieces.buffered_bytes() > limit) std::abort();
    at += n;
    step = 1 + (step * 5 + split_seed) % 13;
  }
  if (got.size() != expected.size()) std::abort();
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (got[i].kind != expected[i].kind || got[i].message != expected[i].message) std::abort();
    if (got[i].message.size() > limit) std::abort();
  }
  return 0;
}
