// Locale-free number and channel-list text (std::to_chars / std::from_chars only).
#include "drivers/client/scpi_text.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace spiceloop::client {

std::string format_number(double value) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::general, 17);
  return std::string(buf, r.ptr);
}

std::string format_channel_list(std::span<const int> channels) {
  std::string out = "(@";
  for (std::size_t i = 0; i < channels.size();) {
    std::size_t j = i;
    while (j + 1 < channels.size() && channels[j + 1] == channels[j] + 1) ++j;
    if (i) out += ',';
    if (j - i >= 2) {
      out += std::to_string(channels[i]) + ':' + std::to_string(channels[j]);
      i = j + 1;
    } else {
      out += std::to_string(channels[i]);
      ++i;
    }
  }
  return out + ')';
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<double> parse_number(std::string_view field) {
  field = trim(field);
  // from_chars refuses a leading '+', which NR1 and NR3 always carry.
  if (!field.empty() && field.front() == '+') field.remove_prefix(1);
  if (field.empty() || field.front() == '+') return std::nullopt;
  double value = 0;
  const auto r = std::from_chars(field.data(), field.data() + field.size(), value, std::chars_format::general);
  if (r.ec != std::errc() || r.ptr != field.data() + field.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<std::vector<double>> parse_numbers(std::string_view line) {
  std::vector<double> out;
  for (;;) {
    const std::size_t comma = line.find(',');
    const auto value = parse_number(line.substr(0, comma));
    if (!value) return std::nullopt;
    out.push_back(*value);
    if (comma == std::string_view::npos) return out;
    line.remove_prefix(comma + 1);
  }
}

std::optional<std::vector<int>> parse_channel_list(std::string_view text) {
  text = trim(text);
  if (text.size() < 3 || text.substr(0, 2) != "(@" || text.back() != ')') return std::nullopt;
  text = text.substr(2, text.size() - 3);
  std::vector<int> out;
  if (trim(text).empty()) return out;
  auto integer = [](std::string_view s) -> std::optional<int> {
    s = trim(s);
    int v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
    return v;
  };
  for (;;) {
    const std::size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    const std::size_t colon = item.find(':');
    const auto first = integer(item.substr(0, colon));
    const auto last = colon == std::string_view::npos ? first : integer(item.substr(colon + 1));
    if (!first || !last || std::abs(static_cast<long>(*last) - *first) + out.size() >= 10000) return std::nullopt;
    const int dir = *last >= *first ? 1 : -1;
    for (int ch = *first;; ch += dir) {
      out.push_back(ch);
      if (ch == *last) break;
    }
    if (comma == std::string_view::npos) return out;
    text.remove_prefix(comma + 1);
  }
}

std::optional<InstrumentError> parse_error_entry(std::string_view line) {
  line = trim(line);
  const std::size_t comma = line.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  const auto code = parse_number(line.substr(0, comma));
  if (!code || *code != std::floor(*code)) return std::nullopt;
  std::string_view quoted = trim(line.substr(comma + 1));
  if (quoted.size() < 2 || quoted.front() != '"' || quoted.back() != '"') return std::nullopt;
  quoted = quoted.substr(1, quoted.size() - 2);
  InstrumentError e{static_cast<int>(*code), {}};
  for (std::size_t i = 0; i < quoted.size(); ++i) {
    e.text += quoted[i];
    if (quoted[i] == '"' && i + 1 < quoted.size() && quoted[i + 1] == '"') ++i;
  }
  return e;
}

}  // namespace spiceloop::client
