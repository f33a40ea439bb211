// Text the drivers send and parse, never depending on the C locale (std::to_chars/from_chars):
// numbers with 17 significant digits so every double round-trips exactly, compact channel lists
// `(@1,2,5:8)` that keep the order given (instruments answer in that order), and the comma-
// separated NR1/NR3 answers and `<code>,"<text>"` error entries instruments send back.
// Parsing returns std::nullopt for malformed text; the caller decides which error to raise.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/client/client_error.hpp"

namespace spiceloop::client {

// "%.17g" without the locale: 0.1 -> "0.10000000000000001", 1e-5 -> "1.0000000000000001e-05".
// Precondition: finite (the drivers refuse NaN and infinities before formatting).
std::string format_number(double value);

// `(@1,2,5:8)`: runs of three or more ascending consecutive channels become ranges; order kept.
// Precondition: not empty.
std::string format_channel_list(std::span<const int> channels);

// One NR1/NR2/NR3 field, surrounding spaces allowed, a leading '+' allowed.
std::optional<double> parse_number(std::string_view field);
// Comma-separated numbers; an empty field or any junk gives nullopt.
std::optional<std::vector<double>> parse_numbers(std::string_view line);
// `(@101,102,105:107)` -> {101,102,105,106,107}; a descending range counts down; at most 10000.
std::optional<std::vector<int>> parse_channel_list(std::string_view text);
// `-222,"Data out of range;detail"` (inner "" unescaped); `+0,"No error"` gives code 0.
std::optional<InstrumentError> parse_error_entry(std::string_view line);

}  // namespace spiceloop::client
