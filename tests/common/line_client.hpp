// A blocking loopback client with deadlines (poll), so that no socket test can hang: it sends
// bytes and reads '\n'-terminated lines, as a SCPI or control-port client does.
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace spiceloop::test {

// The first line of `buffer` without its '\n', taken out of it; nullopt while none is complete.
inline std::optional<std::string> take_line(std::string& buffer) {
  const auto nl = buffer.find('\n');
  if (nl == std::string::npos) return std::nullopt;
  std::string line = buffer.substr(0, nl);
  buffer.erase(0, nl + 1);
  return line;
}

class LineClient {
 public:
  // rcvbuf_bytes > 0 shrinks the receive buffer before connecting (a client that never reads);
  // source_ip (such as "127.0.0.2", any of 127/8 is loopback) makes it another peer address.
  explicit LineClient(std::uint16_t port, int rcvbuf_bytes = 0, const char* source_ip = nullptr) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    if (rcvbuf_bytes > 0) {
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf_bytes, sizeof rcvbuf_bytes);
      ::setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &rcvbuf_bytes, sizeof rcvbuf_bytes);
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (source_ip) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      ::inet_pton(AF_INET, source_ip, &local.sin_addr);
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
        ::close(fd_);
        throw std::runtime_error("bind to the source address failed");
      }
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      throw std::runtime_error("connect failed");
    }
  }
  ~LineClient() { close(); }
  LineClient(const LineClient&) = delete;
  LineClient& operator=(const LineClient&) = delete;

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // Sends everything within the deadline; returns the bytes sent.
  std::size_t send(std::string_view bytes, std::chrono::milliseconds deadline = std::chrono::milliseconds(5000)) {
    std::size_t sent = 0;
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (sent < bytes.size()) {
      if (!wait(POLLOUT, until)) break;
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    return sent;
  }

  // One response line without its '\n'; nullopt on timeout or close.
  std::optional<std::string> read_line(std::chrono::milliseconds deadline = std::chrono::milliseconds(5000)) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    for (;;) {
      if (auto line = take_line(buffer_)) return line;
      if (!wait(POLLIN, until)) return std::nullopt;
      char chunk[4096];
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (n <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  std::optional<std::string> query(std::string_view message) {
    std::string m(message);
    m += '\n';
    if (send(m) != m.size()) return std::nullopt;
    return read_line();
  }

  // True when the server closed the connection (EOF) within the deadline.
  bool closed_by_peer(std::chrono::milliseconds deadline) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (wait(POLLIN, until)) {
      char chunk[4096];
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, MSG_DONTWAIT);
      if (n == 0) return true;
      if (n < 0 && errno != EAGAIN && errno != EINTR) return true;
    }
    return false;
  }

 private:
  bool wait(short events, std::chrono::steady_clock::time_point until) {
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, events, 0};
      const int r = ::poll(&p, 1, static_cast<int>(left.count()));
      if (r > 0) return true;
      if (r < 0 && errno == EINTR) continue;
      if (r == 0) return false;
      return false;
    }
  }

  int fd_ = -1;
  std::string buffer_;
};

// Reads SYST:ERR? until "+0,..." and returns the entries before it (at most `limit`).
inline std::vector<std::string> drain_errors(LineClient& c, int limit = 100) {
  std::vector<std::string> errors;
  for (int i = 0; i < limit; ++i) {
    const auto line = c.query("SYST:ERR?");
    if (!line || line->rfind("+0,", 0) == 0) break;
    errors.push_back(*line);
  }
  return errors;
}

}  // namespace spiceloop::test
