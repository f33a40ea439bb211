// What the typed drivers share: checking arguments before anything is sent (an empty channel
// list or a NaN would reach a real instrument as an error or, worse, as a setting), building one
// message of several units, and checking the shape of answers. Internal to drivers/client.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "drivers/client/scpi_client.hpp"

namespace spiceloop::client {

using Channels = std::vector<int>;

namespace detail {

[[noreturn]] void argument_error(const ScpiClient& c, std::string_view command, std::string detail);
[[noreturn]] void malformed(const ScpiClient& c, std::string_view command, std::string detail);

// `(@...)`, or an Argument error for an empty list.
std::string channel_list(const ScpiClient& c, std::string_view header, const Channels& channels);
// 17 significant digits, or an Argument error for NaN and infinities.
std::string number(const ScpiClient& c, std::string_view header, double value);

// `:<header> <value>,(@...);:<header> <value>,(@...)`: one unit per distinct value, channels that
// share a value grouped, order of first appearance kept. Each unit starts at the root (`:`):
// relative paths are strict, so after `DPOT:CODE 5,(@1)` a bare `DPOT:CODE` would be looked up
// under `DPOT:` (-113); `VOLT` only works without it because its parent happens to be the root.
std::string units_per_value(const ScpiClient& c, std::string_view header, const Channels& channels,
                            const std::vector<std::string>& values);

// The answer must hold one value per channel asked.
void expect_count(const ScpiClient& c, std::string_view command, std::size_t got, std::size_t want);
std::vector<int> to_integers(const ScpiClient& c, std::string_view command, const std::vector<double>& values);
std::vector<bool> to_booleans(const ScpiClient& c, std::string_view command, const std::vector<double>& values);

}  // namespace detail
}  // namespace spiceloop::client
