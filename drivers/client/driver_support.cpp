// Argument checks, one-unit-per-value messages and answer-shape checks shared by the typed drivers.
#include "drivers/client/driver_support.hpp"

#include <algorithm>
#include <cmath>

#include "drivers/client/scpi_text.hpp"

namespace spiceloop::client::detail {

void argument_error(const ScpiClient& c, std::string_view command, std::string detail) {
  throw ClientError(ClientErrorKind::Argument, c.address().text(), std::string(command), std::move(detail));
}

void malformed(const ScpiClient& c, std::string_view command, std::string detail) {
  throw ClientError(ClientErrorKind::Malformed, c.address().text(), std::string(command), std::move(detail));
}

std::string channel_list(const ScpiClient& c, std::string_view header, const Channels& channels) {
  if (channels.empty()) argument_error(c, header, "the channel list is empty");
  return format_channel_list(channels);
}

std::string number(const ScpiClient& c, std::string_view header, double value) {
  if (!std::isfinite(value)) argument_error(c, header, "refusing to send a non-finite value");
  return format_number(value);
}

std::string units_per_value(const ScpiClient& c, std::string_view header, const Channels& channels,
                            const std::vector<std::string>& values) {
  if (channels.empty()) argument_error(c, header, "the channel list is empty");
  if (channels.size() != values.size())
    argument_error(c, header, std::to_string(channels.size()) + " channels but " + std::to_string(values.size()) + " values");
  std::vector<std::pair<std::string, Channels>> groups;
  for (std::size_t i = 0; i < channels.size(); ++i) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == values[i]; });
    if (it == groups.end()) groups.push_back({values[i], {channels[i]}});
    else it->second.push_back(channels[i]);
  }
  std::string message;
  for (const auto& [value, chans] : groups) {
    if (!message.empty()) message += ';';
    message += ':' + std::string(header) + ' ' + value + ',' + format_channel_list(chans);
  }
  return message;
}

void expect_count(const ScpiClient& c, std::string_view command, std::size_t got, std::size_t want) {
  if (got != want)
    malformed(c, command, "expected " + std::to_string(want) + " values, got " + std::to_string(got));
}

std::vector<int> to_integers(const ScpiClient& c, std::string_view command, const std::vector<double>& values) {
  std::vector<int> out;
  for (double v : values) {
    if (v != std::floor(v) || std::abs(v) > 2e9) malformed(c, command, "expected integers, got " + format_number(v));
    out.push_back(static_cast<int>(v));
  }
  return out;
}

std::vector<bool> to_booleans(const ScpiClient& c, std::string_view command, const std::vector<double>& values) {
  std::vector<bool> out;
  for (double v : values) {
    if (v != 0 && v != 1) malformed(c, command, "expected 0 or 1, got " + format_number(v));
    out.push_back(v == 1);
  }
  return out;
}

}  // namespace spiceloop::client::detail
