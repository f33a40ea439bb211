#include "drivers/panel/token.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <system_error>

namespace spiceloop::panel {

std::string make_token() {
  unsigned char bytes[16];
  std::size_t got = 0;
  while (got < sizeof bytes) {
    const ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "panel: getrandom");
    }
    got += static_cast<std::size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (unsigned char b : bytes) {
    token += kHex[b >> 4];
    token += kHex[b & 15];
  }
  return token;
}

bool token_matches(std::string_view given, std::string_view expected) noexcept {
  if (expected.empty()) return false;
  // Every byte of `expected` is visited whatever `given` holds; volatile keeps the loop whole.
  volatile std::uint8_t diff = given.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto g = static_cast<std::uint8_t>(i < given.size() ? given[i] : 0);
    diff = diff | (g ^ static_cast<std::uint8_t>(expected[i]));
  }
  return diff == 0;
}

}  // namespace spiceloop::panel
