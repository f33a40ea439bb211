#pragma once
// Typed views of one lexed parameter, throwing scpi::Error with the SCPI code a real instrument
// gives. Numbers: MINimum/MAXimum/DEFault resolve from the spec; other character data where a
// number is expected, including INF and NAN, is -104 "Data type error" (a source setting can never
// be non-finite, so SCPI-99's special INF/NAN values are not accepted); a value beyond a double
// (`1e999`) or outside [min, max] is -222. Units: the suffix must be the spec's unit with an
// optional multiplier (EX PE T G MA K M U N P F A; `M` is milli except MOHM and MHZ, which are
// mega), case-insensitive; a wrong or unknown unit is -131, a unit on a unitless number -138.
// Booleans: ON/OFF/1/0 (any number rounding to 0 or 1); another number is -224, another word
// -141. Choices: short or long form of a pattern word (`ASCii`), -141 otherwise.
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/scpi/parameters.hpp"

namespace spiceloop::scpi {

struct NumberSpec {
  std::string_view unit;  // "V", "A", "OHM", "HZ", "S"; empty: unitless
  double min = -std::numeric_limits<double>::max();
  double max = std::numeric_limits<double>::max();
  std::optional<double> def{};
};

double to_number(const Param& p, const NumberSpec& spec = {});
std::int64_t to_integer(const Param& p, std::int64_t min, std::int64_t max, std::optional<std::int64_t> def = {});
bool to_boolean(const Param& p);
// Index of the matching word among patterns like "ASCii", "REAL"; -141 when none matches.
std::size_t to_choice(const Param& p, std::initializer_list<std::string_view> words);
std::string to_string(const Param& p);
std::vector<int> to_channels(const Param& p);
std::string to_block(const Param& p);

// True when `word` (any case) is the short or long form of `pattern` (`VOLTage`).
bool mnemonic_matches(std::string_view pattern, std::string_view word);
// The multiplier a suffix carries for a unit (`MV` for V gives 1e-3); nullopt when it is not that unit.
std::optional<double> unit_multiplier(std::string_view suffix_upper, std::string_view unit);
// The short upper-case form of a pattern word: "ASCii" gives "ASC".
std::string short_form(std::string_view pattern);

}  // namespace spiceloop::scpi
