#pragma once
// SCPI command patterns as instrument manuals write them, expanded into every concrete header:
// `[SOURce:]VOLTage[:LEVel][:IMMediate][:AMPLitude]` gives 16 keyword sequences, `OUTPut#[:STATe]?`
// two (each with a numeric suffix on OUTPut), `*IDN?` one. Upper-case letters of a keyword are its
// short form. `[...]` may nest; `#` after a keyword allows a numeric suffix; a trailing `?` makes
// the pattern a query. A malformed pattern is a programmer error: std::invalid_argument.
#include <string>
#include <string_view>
#include <vector>

namespace spiceloop::scpi {

struct PatternKeyword {
  std::string long_form;   // upper case: "VOLTAGE"
  std::string short_form;  // "VOLT"
  bool has_suffix = false;
};

struct Pattern {
  std::vector<std::vector<PatternKeyword>> variants;
  bool query = false;
  bool common = false;  // `*XXX`
};

Pattern parse_pattern(std::string_view text);

}  // namespace spiceloop::scpi
