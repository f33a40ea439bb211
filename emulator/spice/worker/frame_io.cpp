#include "emulator/spice/worker/frame_io.hpp"

#include <unistd.h>

#include <cerrno>

namespace spiceloop::worker {

namespace {

// Reads exactly n bytes: true when done, false at end of stream before the first byte.
bool read_exact(int fd, char* out, size_t n, bool allow_eof) {
  size_t got = 0;
  while (got < n) {
    const ssize_t r = ::read(fd, out + got, n - got);
    if (r > 0) {
      got += static_cast<size_t>(r);
    } else if (r == 0) {
      if (got == 0 && allow_eof) return false;
      throw protocol::ProtocolError("stream ended inside a frame");
    } else if (errno != EINTR) {
      if (got == 0 && allow_eof) return false;
      throw protocol::ProtocolError("read failed");
    }
  }
  return true;
}

}  // namespace

std::optional<protocol::Frame> read_frame(int fd) {
  char header[protocol::kHeaderBytes];
  if (!read_exact(fd, header, sizeof header, true)) return std::nullopt;
  protocol::Frame f{};
  std::uint32_t bytes = 0;
  protocol::get_header(header, f.type, bytes);
  f.payload.resize(bytes);
  if (bytes) read_exact(fd, f.payload.data(), bytes, false);
  return f;
}

bool write_frame(int fd, protocol::MessageType type, const std::string& payload) {
  const std::string out = protocol::encode_frame({type, payload});
  size_t sent = 0;
  while (sent < out.size()) {
    const ssize_t w = ::write(fd, out.data() + sent, out.size() - sent);
    if (w > 0) sent += static_cast<size_t>(w);
    else if (w < 0 && errno == EINTR) continue;
    else return false;
  }
  return true;
}

}  // namespace spiceloop::worker
