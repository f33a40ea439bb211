#include "drivers/scpi/convert.hpp"

#include <array>
#include <cctype>
#include <cmath>
#include <utility>

#include "drivers/scpi/error.hpp"

namespace spiceloop::scpi {
namespace {

std::string upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

void require(const Param& p, Param::Kind kind) {
  if (p.kind != kind) throw Error(err::data_type);
}

}  // namespace

std::string short_form(std::string_view pattern) {
  std::string s;
  for (char c : pattern)
    if (!std::islower(static_cast<unsigned char>(c))) s += c;
  return s;
}

bool mnemonic_matches(std::string_view pattern, std::string_view word) {
  const std::string w = upper(word);
  return w == short_form(pattern) || w == upper(pattern);
}

std::optional<double> unit_multiplier(std::string_view s, std::string_view unit_any_case) {
  const std::string unit = upper(unit_any_case);
  if (s == unit) return 1.0;
  if (s == "MOHM" && unit == "OHM") return 1e6;
  if (s == "MHZ" && unit == "HZ") return 1e6;
  if (s.size() <= unit.size() || s.substr(s.size() - unit.size()) != unit) return std::nullopt;
  const std::string_view prefix = s.substr(0, s.size() - unit.size());
  static constexpr std::array<std::pair<std::string_view, double>, 12> prefixes{{
      {"EX", 1e18}, {"PE", 1e15}, {"T", 1e12}, {"G", 1e9}, {"MA", 1e6}, {"K", 1e3},
      {"M", 1e-3}, {"U", 1e-6}, {"N", 1e-9}, {"P", 1e-12}, {"F", 1e-15}, {"A", 1e-18},
  }};
  for (const auto& [name, factor] : prefixes)
    if (prefix == name) return factor;
  return std::nullopt;
}

double to_number(const Param& p, const NumberSpec& spec) {
  if (p.kind == Param::Kind::Character) {
    if (mnemonic_matches("MINimum", p.text)) return spec.min;
    if (mnemonic_matches("MAXimum", p.text)) return spec.max;
    if (mnemonic_matches("DEFault", p.text)) {
      if (spec.def) return *spec.def;
      throw Error(err::invalid_character_data);
    }
    throw Error(err::data_type);
  }
  require(p, Param::Kind::Number);
  double v = p.value;
  if (!p.text.empty()) {
    if (spec.unit.empty()) throw Error(err::suffix_not_allowed);
    const auto m = unit_multiplier(p.text, spec.unit);
    if (!m) throw Error(err::invalid_suffix);
    v *= *m;
  }
  if (p.overflow || !std::isfinite(v) || v < spec.min || v > spec.max) throw Error(err::data_out_of_range);
  return v;
}

std::int64_t to_integer(const Param& p, std::int64_t min, std::int64_t max, std::optional<std::int64_t> def) {
  NumberSpec spec;
  spec.min = static_cast<double>(min);
  spec.max = static_cast<double>(max);
  if (def) spec.def = static_cast<double>(*def);
  return static_cast<std::int64_t>(std::llround(to_number(p, spec)));
}

bool to_boolean(const Param& p) {
  if (p.kind == Param::Kind::Character) {
    if (p.text == "ON") return true;
    if (p.text == "OFF") return false;
    throw Error(err::invalid_character_data);
  }
  require(p, Param::Kind::Number);
  if (!p.text.empty()) throw Error(err::suffix_not_allowed);
  const double r = std::round(p.value);
  if (r == 0) return false;
  if (r == 1) return true;
  throw Error(err::illegal_parameter_value);
}

std::size_t to_choice(const Param& p, std::initializer_list<std::string_view> words) {
  require(p, Param::Kind::Character);
  std::size_t i = 0;
  for (auto w : words) {
    if (mnemonic_matches(w, p.text)) return i;
    ++i;
  }
  throw Error(err::invalid_character_data);
}

std::string to_string(const Param& p) {
  require(p, Param::Kind::String);
  return p.text;
}

std::vector<int> to_channels(const Param& p) {
  require(p, Param::Kind::ChannelList);
  return p.channels;
}

std::string to_block(const Param& p) {
  require(p, Param::Kind::Block);
  return p.text;
}

}  // namespace spiceloop::scpi
