#include "drivers/scpi/response.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>

namespace spiceloop::scpi {

std::string nr1(std::int64_t value) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  std::string s = value >= 0 ? "+" : "";
  s.append(buf, r.ptr);
  return s;
}

std::string nr3(double value, int significant_digits) {
  if (std::isnan(value)) value = 9.91e37;
  if (std::isinf(value)) value = value > 0 ? 9.9e37 : -9.9e37;
  if (value == 0) value = 0.0;  // no "-0"
  if (significant_digits < 1) significant_digits = 1;
  if (significant_digits > 17) significant_digits = 17;
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific, significant_digits - 1);
  std::string s = buf[0] == '-' ? "" : "+";
  s.append(buf, r.ptr);
  for (char& c : s)
    if (c == 'e') c = 'E';
  return s;
}

std::string quoted(std::string_view text) {
  std::string s = "\"";
  for (char c : text) {
    if (c == '"') s += '"';
    s += c;
  }
  return s + "\"";
}

std::string channel_list(std::span<const int> channels) {
  std::string out = "(@";
  for (std::size_t i = 0; i < channels.size();) {
    std::size_t j = i;
    while (j + 1 < channels.size() && channels[j + 1] == channels[j] + 1) ++j;
    if (i > 0) out += ',';
    out += std::to_string(channels[i]);
    if (j > i) out += ':' + std::to_string(channels[j]);
    i = j + 1;
  }
  return out + ")";
}

std::string definite_block(std::string_view bytes) {
  const std::string len = std::to_string(bytes.size());
  std::string out;
  out.reserve(2 + len.size() + bytes.size());
  out += '#';
  out += static_cast<char>('0' + len.size());
  out += len;
  out += bytes;
  return out;
}

std::string real64_block(std::span<const double> values, ByteOrder order) {
  std::string bytes(values.size() * 8, '\0');
  const bool swap = (order == ByteOrder::Normal) == (std::endian::native == std::endian::little);
  for (std::size_t i = 0; i < values.size(); ++i) {
    unsigned char b[8];
    std::memcpy(b, &values[i], 8);
    for (int k = 0; k < 8; ++k) bytes[i * 8 + k] = static_cast<char>(swap ? b[7 - k] : b[k]);
  }
  return definite_block(bytes);
}

}  // namespace spiceloop::scpi
