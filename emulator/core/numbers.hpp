// Locale-independent number formatting for decks, files and replies: shortest text that
// round-trips (std::to_chars), so a number written and read back is the same double.
#pragma once

#include <string>

namespace spiceloop {

std::string format_double(double value);  // round-trip exact, e.g. "0.001", "1e-12"
bool parse_double(std::string_view text, double& out);  // whole text, no locale, no hex

}  // namespace spiceloop
