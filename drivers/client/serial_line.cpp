#include "drivers/client/serial_line.hpp"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <utility>

#include "drivers/client/client_error.hpp"

namespace spiceloop::client {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
         });
}

speed_t speed(unsigned baud) {
  switch (baud) {
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    default: return B0;
  }
}

using Clock = std::chrono::steady_clock;

int left_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1 << 30));
}

}  // namespace

std::optional<std::string> serial_device_path(std::string_view text) {
  if (text.size() < 4 || !iequals(text.substr(0, 4), "ASRL")) return std::nullopt;
  const std::size_t sep = text.rfind("::");
  if (sep == std::string_view::npos || !iequals(text.substr(sep + 2), "INSTR")) return std::nullopt;
  const std::string_view path = text.substr(4, sep - 4);
  if (path.empty() || path.front() != '/') return std::nullopt;
  for (char c : path)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::nullopt;
  return std::string(path);
}

SerialLine::SerialLine(std::string_view address, SerialOptions options) : address_(address), options_(options) {
  const auto path = serial_device_path(address);
  if (!path)
    throw ClientError(ClientErrorKind::Argument, address_, "",
                      "not a serial resource (expected ASRL<device path>::INSTR, e.g. ASRL/dev/ttyACM0::INSTR)");
  if (speed(options_.baud) == B0)
    throw ClientError(ClientErrorKind::Argument, address_, "", "baud " + std::to_string(options_.baud) + " is not supported");
  path_ = *path;
  open("");
}

SerialLine::SerialLine(SerialLine&& other) noexcept
    : address_(std::move(other.address_)), path_(std::move(other.path_)), options_(other.options_),
      fd_(std::exchange(other.fd_, -1)), buffer_(std::move(other.buffer_)) {}

SerialLine& SerialLine::operator=(SerialLine&& other) noexcept {
  if (this != &other) {
    close();
    address_ = std::move(other.address_);
    path_ = std::move(other.path_);
    options_ = other.options_;
    fd_ = std::exchange(other.fd_, -1);
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

SerialLine::~SerialLine() { close(); }

void SerialLine::close() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
}

void SerialLine::open(std::string_view command) {
  fd_ = ::open(path_.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0)
    throw ClientError(ClientErrorKind::Connect, address_, std::string(command),
                      "cannot open " + path_ + ": " + std::strerror(errno));
  termios t{};
  if (::isatty(fd_) == 0 || ::tcgetattr(fd_, &t) != 0) {
    const int err = errno;
    close();
    throw ClientError(ClientErrorKind::Connect, address_, std::string(command),
                      path_ + " is not a serial device: " + std::strerror(err));
  }
  ::cfmakeraw(&t);
  t.c_cflag |= CLOCAL | CREAD;
  ::cfsetispeed(&t, speed(options_.baud));
  ::cfsetospeed(&t, speed(options_.baud));
  ::tcsetattr(fd_, TCSANOW, &t);
  ::tcflush(fd_, TCIOFLUSH);
}

void SerialLine::write(std::string_view message) {
  if (fd_ < 0) open(message);
  std::string out(message);
  out += '\n';
  const auto deadline = Clock::now() + options_.timeout;
  std::size_t sent = 0;
  while (sent < out.size()) {
    const ssize_t n = ::write(fd_, out.data() + sent, out.size() - sent);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      const int err = errno;
      close();
      throw ClientError(ClientErrorKind::Io, address_, std::string(message), std::string("write: ") + std::strerror(err));
    }
    pollfd p{fd_, POLLOUT, 0};
    if (::poll(&p, 1, left_ms(deadline)) == 0) {
      close();
      throw ClientError(ClientErrorKind::Timeout, address_, std::string(message),
                        "could not send within " + std::to_string(options_.timeout.count()) + " ms");
    }
  }
}

std::string SerialLine::read_line(std::string_view command) {
  if (fd_ < 0) open(command);
  const auto deadline = Clock::now() + options_.timeout;
  for (;;) {
    if (const std::size_t nl = buffer_.find('\n'); nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    if (buffer_.size() > options_.max_line_bytes) {
      close();
      throw ClientError(ClientErrorKind::Malformed, address_, std::string(command),
                        "an answer line longer than " + std::to_string(options_.max_line_bytes) + " bytes");
    }
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, left_ms(deadline));
    if (ready == 0) {
      close();
      throw ClientError(ClientErrorKind::Timeout, address_, std::string(command),
                        "no answer within " + std::to_string(options_.timeout.count()) + " ms");
    }
    char chunk[4096];
    const ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n > 0) {
      buffer_.append(chunk, static_cast<std::size_t>(n));
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      const int err = n == 0 ? EIO : errno;
      close();
      throw ClientError(ClientErrorKind::Closed, address_, std::string(command),
                        std::string("the device went away: ") + std::strerror(err));
    }
  }
}

}  // namespace spiceloop::client
