#include "drivers/scpi/parameters.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

#include "drivers/scpi/error.hpp"

namespace spiceloop::scpi {
namespace {

bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

char upper(char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); }

void skip_space(std::string_view t, std::size_t& pos) {
  while (pos < t.size() && is_space(t[pos])) ++pos;
}

std::size_t digits(std::string_view t, std::size_t& pos) {
  const std::size_t start = pos;
  while (pos < t.size() && is_digit(t[pos])) ++pos;
  return pos - start;
}

Param lex_number(std::string_view t, std::size_t& pos) {
  const std::size_t start = pos;
  if (t[pos] == '+' || t[pos] == '-') ++pos;
  std::size_t n = digits(t, pos);
  if (pos < t.size() && t[pos] == '.') {
    ++pos;
    n += digits(t, pos);
  }
  if (n == 0) throw Error(err::numeric_data);
  std::size_t mantissa_end = pos;
  long exponent = 0;
  if (pos < t.size() && (t[pos] == 'e' || t[pos] == 'E')) {
    std::size_t p = pos + 1;
    if (p < t.size() && (t[p] == '+' || t[p] == '-')) ++p;
    const std::size_t exp_start = p;
    const std::size_t nd = digits(t, p);
    if (nd > 0) {
      if (nd > 6) throw Error(err::exponent_too_large);
      std::from_chars(t.data() + exp_start, t.data() + p, exponent);
      if (t[exp_start - 1] == '-') exponent = -exponent;
      if (exponent > 32000 || exponent < -32000) throw Error(err::exponent_too_large);
      pos = p;
      mantissa_end = p;
    } else if (p > pos + 1 || p >= t.size() || !is_alpha(t[p])) {
      throw Error(err::numeric_data);  // "1e", "1e+": an exponent without digits
    }
  }
  if (pos < t.size() && (t[pos] == '.' || is_digit(t[pos]))) throw Error(err::numeric_data);
  Param p;
  p.kind = Param::Kind::Number;
  const char* first = t.data() + start + (t[start] == '+' ? 1 : 0);
  auto r = std::from_chars(first, t.data() + mantissa_end, p.value);
  if (r.ec == std::errc::result_out_of_range) {
    // from_chars leaves the value unset; decide overflow from the exponent's sign.
    if (exponent > 0) {
      p.overflow = true;
      p.value = t[start] == '-' ? -HUGE_VAL : HUGE_VAL;
    } else {
      p.value = 0;
    }
  } else if (r.ec != std::errc{}) {
    throw Error(err::numeric_data);
  }
  std::size_t q = pos;
  skip_space(t, q);
  if (q < t.size() && is_alpha(t[q])) {
    pos = q;
    while (pos < t.size() && (is_alpha(t[pos]) || t[pos] == '/')) p.text += upper(t[pos++]);
  }
  return p;
}

Param lex_nondecimal(std::string_view t, std::size_t& pos) {
  const char base_char = upper(t[pos + 1]);
  const int base = base_char == 'H' ? 16 : base_char == 'Q' ? 8 : 2;
  pos += 2;
  const std::size_t start = pos;
  while (pos < t.size() && std::isalnum(static_cast<unsigned char>(t[pos]))) ++pos;
  unsigned long long v = 0;
  auto r = std::from_chars(t.data() + start, t.data() + pos, v, base);
  if (start == pos || r.ptr != t.data() + pos || r.ec != std::errc{}) throw Error(err::numeric_data);
  Param p;
  p.value = static_cast<double>(v);
  return p;
}

Param lex_block(std::string_view t, std::size_t& pos) {
  Param p;
  p.kind = Param::Kind::Block;
  const int d = t[pos + 1] - '0';
  pos += 2;
  if (d == 0) {
    p.text = std::string(t.substr(pos));
    pos = t.size();
    return p;
  }
  if (pos + static_cast<std::size_t>(d) > t.size()) throw Error(err::invalid_block_data);
  std::size_t len = 0;
  for (int i = 0; i < d; ++i) {
    const char c = t[pos++];
    if (!is_digit(c)) throw Error(err::invalid_block_data);
    len = len * 10 + static_cast<std::size_t>(c - '0');
  }
  if (len > t.size() - pos) throw Error(err::invalid_block_data);
  p.text = std::string(t.substr(pos, len));
  pos += len;
  return p;
}

Param lex_string(std::string_view t, std::size_t& pos) {
  const char q = t[pos++];
  Param p;
  p.kind = Param::Kind::String;
  while (true) {
    if (pos >= t.size()) throw Error(err::invalid_string_data);
    const char c = t[pos++];
    if (c == q) {
      if (pos < t.size() && t[pos] == q) {
        p.text += q;
        ++pos;
        continue;
      }
      return p;
    }
    p.text += c;
  }
}

int lex_channel(std::string_view t, std::size_t& pos) {
  skip_space(t, pos);
  const std::size_t start = pos;
  if (digits(t, pos) == 0 || pos - start > 9) throw Error(err::invalid_expression);
  int v = 0;
  std::from_chars(t.data() + start, t.data() + pos, v);
  skip_space(t, pos);
  return v;
}

Param lex_channel_list(std::string_view t, std::size_t& pos) {
  ++pos;
  skip_space(t, pos);
  if (pos >= t.size() || t[pos] != '@') throw Error(err::invalid_expression);
  ++pos;
  Param p;
  p.kind = Param::Kind::ChannelList;
  skip_space(t, pos);
  if (pos < t.size() && t[pos] == ')') {  // (@) is the empty list (34970A: ROUT:SCAN (@) clears the scan)
    ++pos;
    return p;
  }
  while (true) {
    const int first = lex_channel(t, pos);
    int last = first;
    if (pos < t.size() && t[pos] == ':') {
      ++pos;
      last = lex_channel(t, pos);
    }
    const std::size_t span = static_cast<std::size_t>(first < last ? last - first : first - last) + 1;
    if (p.channels.size() + span > max_channels) throw Error(err::data_out_of_range);
    const int step = first <= last ? 1 : -1;
    for (int c = first;; c += step) {
      p.channels.push_back(c);
      if (c == last) break;
    }
    if (pos >= t.size()) throw Error(err::invalid_expression);
    if (t[pos] == ')') {
      ++pos;
      return p;
    }
    if (t[pos] != ',') throw Error(err::invalid_expression);
    ++pos;
  }
}

Param lex_one(std::string_view t, std::size_t& pos) {
  const char c = t[pos];
  if (c == '"' || c == '\'') return lex_string(t, pos);
  if (c == '(') return lex_channel_list(t, pos);
  if (c == '#') {
    if (pos + 1 < t.size() && is_digit(t[pos + 1])) return lex_block(t, pos);
    if (pos + 1 < t.size() && std::string_view("HhQqBb").find(t[pos + 1]) != std::string_view::npos)
      return lex_nondecimal(t, pos);
    throw Error(err::invalid_block_data);
  }
  if (is_digit(c) || c == '+' || c == '-' || c == '.') return lex_number(t, pos);
  if (is_alpha(c)) {
    Param p;
    p.kind = Param::Kind::Character;
    while (pos < t.size() && (std::isalnum(static_cast<unsigned char>(t[pos])) || t[pos] == '_'))
      p.text += upper(t[pos++]);
    return p;
  }
  if (!is_printable(c)) throw Error(err::invalid_character);
  throw Error(err::syntax);
}

}  // namespace

std::vector<Param> lex_parameters(std::string_view t, std::size_t& pos) {
  std::vector<Param> params;
  skip_space(t, pos);
  if (pos >= t.size() || t[pos] == ';') return params;
  while (true) {
    skip_space(t, pos);
    if (pos >= t.size() || t[pos] == ';' || t[pos] == ',') throw Error(err::syntax);  // "1,", "1,,2"
    params.push_back(lex_one(t, pos));
    skip_space(t, pos);
    if (pos >= t.size() || t[pos] == ';') return params;
    if (t[pos] != ',') {
      if (!is_printable(t[pos])) throw Error(err::invalid_character);
      throw Error(err::invalid_separator);
    }
    ++pos;
  }
}

std::size_t skip_unit(std::string_view t, std::size_t pos) {
  char quote = 0;
  for (; pos < t.size(); ++pos) {
    const char c = t[pos];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == ';') {
      return pos;
    }
  }
  return pos;
}

}  // namespace spiceloop::scpi
