#include "drivers/scpi/pattern.hpp"

#include <cctype>
#include <stdexcept>

namespace spiceloop::scpi {
namespace {

using Sequence = std::vector<PatternKeyword>;
using Alternatives = std::vector<Sequence>;

[[noreturn]] void bad(std::string_view text, std::string_view why) {
  throw std::invalid_argument("scpi pattern '" + std::string(text) + "': " + std::string(why));
}

// Parses up to a closing ']' (depth > 0) or the end; returns every expansion.
Alternatives parse_sequence(std::string_view text, std::size_t& pos, int depth) {
  Alternatives alts{{}};
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == ':') {
      ++pos;
    } else if (c == '[') {
      ++pos;
      Alternatives inner = parse_sequence(text, pos, depth + 1);
      if (pos >= text.size() || text[pos] != ']') bad(text, "unclosed '['");
      ++pos;
      inner.insert(inner.begin(), Sequence{});
      Alternatives next;
      for (const auto& a : alts)
        for (const auto& b : inner) {
          Sequence s = a;
          s.insert(s.end(), b.begin(), b.end());
          next.push_back(std::move(s));
        }
      alts = std::move(next);
    } else if (c == ']') {
      if (depth == 0) bad(text, "unmatched ']'");
      return alts;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '*') {
      PatternKeyword k;
      while (pos < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[pos])) || text[pos] == '_' || text[pos] == '*')) {
        const char ch = text[pos++];
        const char up = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        k.long_form += up;
        if (ch == up) k.short_form += up;
      }
      if (pos < text.size() && text[pos] == '#') {
        k.has_suffix = true;
        ++pos;
      }
      if (k.short_form.empty()) bad(text, "keyword without a short form");
      for (auto& a : alts) a.push_back(k);
    } else {
      bad(text, std::string("unexpected '") + c + "'");
    }
  }
  if (depth > 0) bad(text, "unclosed '['");
  return alts;
}

}  // namespace

Pattern parse_pattern(std::string_view text) {
  Pattern p;
  std::string_view body = text;
  if (!body.empty() && body.back() == '?') {
    p.query = true;
    body.remove_suffix(1);
  }
  if (!body.empty() && body.front() == ':') body.remove_prefix(1);
  p.common = !body.empty() && body.front() == '*';
  std::size_t pos = 0;
  p.variants = parse_sequence(body, pos, 0);
  for (const auto& v : p.variants)
    if (v.empty()) bad(text, "a variant with no keyword");
  return p;
}

}  // namespace spiceloop::scpi
