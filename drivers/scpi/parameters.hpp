#pragma once
// Program data of one message unit, lexed into typed elements (IEEE 488.2 ch. 7):
// NRf numbers with an optional suffix (`1.5 mV`, `1e-3`), non-decimal numbers (`#H1F`, `#B101`,
// `#Q17`), character data (`ON`, `MAX`, `REAL`), strings ('...' or "...", doubled quotes escape),
// channel lists `(@1,2,5:8)`, `(@)` empty (ranges expand in the order written, `8:5` counts down), definite
// blocks `#<d><len><bytes>` and the indefinite `#0<bytes>` that runs to the end of the message.
// Lexing errors throw scpi::Error: -101 byte outside printable ASCII, -102/-103 structure,
// -120 malformed number, -123 exponent beyond +/-32000, -151 unterminated string,
// -161 malformed block, -171 a parenthesised expression that is not a channel list,
// -222 a channel list of more than max_channels entries.
// A number whose value overflows a double (`1e999`) lexes with `overflow` set; it is reported
// -222 "Data out of range" when converted, since it is legal NRf beyond any device range.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace spiceloop::scpi {

struct Param {
  enum class Kind { Number, Character, String, Block, ChannelList };
  Kind kind = Kind::Number;
  double value = 0;       // Number
  bool overflow = false;  // Number: the magnitude exceeded a double
  std::string text;       // Number: its suffix (upper case); Character: the word (upper case);
                          // String: the contents; Block: the bytes
  std::vector<int> channels;
};

inline constexpr std::size_t max_channels = 10000;

// Lexes parameters from text[pos] up to a `;` outside data (left at pos) or the end.
std::vector<Param> lex_parameters(std::string_view text, std::size_t& pos);

// Skips to the next `;` outside quoted strings, for recovery after an error in a unit.
std::size_t skip_unit(std::string_view text, std::size_t pos);

inline bool is_space(char c) { return c == ' ' || c == '\t'; }
inline bool is_printable(char c) { return (c >= 0x20 && c < 0x7f) || c == '\t'; }

}  // namespace spiceloop::scpi
