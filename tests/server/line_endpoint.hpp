// A tiny non-SCPI line protocol for the server tests (each line answered "ECHO <line>", a line
// "QUIET ..." answered with nothing), and a client for a pseudo-terminal's slave side.
#pragma once
#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "drivers/server/endpoint.hpp"
#include "tests/common/line_client.hpp"

namespace server_test {

class EchoEndpoint : public spiceloop::server::Endpoint {
 public:
  void feed(std::string_view bytes) override {
    for (char ch : bytes) {
      if (ch != '\n') {
        line_ += ch;
        continue;
      }
      if (!line_.empty() && line_.back() == '\r') line_.pop_back();
      if (line_.rfind("QUIET", 0) != 0) out_ += "ECHO " + line_ + "\n";
      line_.clear();
    }
  }
  std::string take_output() override { return std::exchange(out_, {}); }

 private:
  std::string line_, out_;
};

inline spiceloop::server::EndpointFactory echo_endpoints() {
  return [] { return std::make_unique<EchoEndpoint>(); };
}

// Opens the slave side the way a serial client would: O_NOCTTY, raw, non-blocking reads by poll.
class PtyClient {
 public:
  explicit PtyClient(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd_ < 0) throw std::runtime_error("cannot open " + path);
    termios t{};
    ::tcgetattr(fd_, &t);
    cfmakeraw(&t);
    ::tcsetattr(fd_, TCSANOW, &t);
  }
  ~PtyClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  PtyClient(const PtyClient&) = delete;
  PtyClient& operator=(const PtyClient&) = delete;

  bool send(std::string_view bytes) { return ::write(fd_, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()); }

  std::optional<std::string> read_line(std::chrono::milliseconds deadline = std::chrono::milliseconds(5000)) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    for (;;) {
      if (auto line = spiceloop::test::take_line(buffer_)) return line;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char chunk[512];
      const ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n > 0) buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace server_test
