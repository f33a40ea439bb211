// A serial device as a line link: a board's USB serial port (/dev/ttyACM0) or a pseudo-terminal
// (`spiceloop board`'s /dev/pts/N), addressed as VISA names a device path: `ASRL/dev/ttyACM0::INSTR`
// (any case; a bare absolute path is not taken, so a typo cannot open an arbitrary file as a port).
// Opened raw (cfmakeraw: no echo, no line editing, no CR/LF translation) at `baud`, 8N1, and
// flushed, as a host that just plugged a board in. Messages go out with one trailing "\n"; answers
// are read up to "\n" with a "\r" before it dropped. Each call has its own deadline; one that runs
// out closes the device (a late answer must not pose as the next one) and the next call reopens
// it. Every failure is a ClientError naming the address and the command. Not thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace spiceloop::client {

// The device path of `ASRL<path>::INSTR`, or nullopt when text is not that form (the path must be
// absolute and hold no control characters).
std::optional<std::string> serial_device_path(std::string_view text);

struct SerialOptions {
  std::chrono::milliseconds timeout{5000};
  std::size_t max_line_bytes = 64u << 20;  // a longer answer line is Malformed, memory stays bounded
  unsigned baud = 115200;                  // 9600, 19200, 38400, 57600, 115200 or 230400
};

class SerialLine {
 public:
  // Opens the device at once (ClientError Connect when it cannot; AddressError-like Argument for
  // an address that is not ASRL<path>::INSTR or an unsupported baud rate).
  explicit SerialLine(std::string_view address, SerialOptions options = {});
  SerialLine(SerialLine&& other) noexcept;
  SerialLine& operator=(SerialLine&& other) noexcept;
  SerialLine(const SerialLine&) = delete;
  SerialLine& operator=(const SerialLine&) = delete;
  ~SerialLine();

  const std::string& address() const { return address_; }
  void write(std::string_view message);
  std::string read_line(std::string_view command);
  void close() noexcept;

 private:
  void open(std::string_view command);

  std::string address_, path_;
  SerialOptions options_;
  int fd_ = -1;
  std::string buffer_;  // bytes read past the last line
};

}  // namespace spiceloop::client
