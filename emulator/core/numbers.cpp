#include "emulator/core/numbers.hpp"

#include <charconv>

namespace spiceloop {

std::string format_double(double value) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, end);
}

bool parse_double(std::string_view text, double& out) {
  if (text.empty()) return false;
  const char* first = text.data();
  if (*first == '+') ++first;
  auto [ptr, ec] = std::from_chars(first, text.data() + text.size(), out, std::chars_format::general);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace spiceloop
