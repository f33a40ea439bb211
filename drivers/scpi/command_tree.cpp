#include "drivers/scpi/command_tree.hpp"

#include <cctype>

#include "drivers/scpi/error.hpp"

namespace spiceloop::scpi {
namespace {

struct Token {
  std::string word;    // upper case, without suffix digits
  std::string_view digits;
};

Token split(std::string_view keyword) {
  std::size_t end = keyword.size();
  while (end > 0 && std::isdigit(static_cast<unsigned char>(keyword[end - 1]))) --end;
  Token t;
  for (char c : keyword.substr(0, end)) t.word += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  t.digits = keyword.substr(end);
  return t;
}

enum class Match { No, Yes, SuffixOutOfRange };

}  // namespace

void CommandTree::add(std::string_view pattern, Handler handler, CommandOptions options) {
  Entry e{parse_pattern(pattern), std::move(handler), options};
  const std::size_t index = entries_.size();
  for (std::size_t v = 0; v < e.pattern.variants.size(); ++v) {
    const PatternKeyword& last = e.pattern.variants[v].back();
    by_last_keyword_[last.short_form].push_back({index, v});
    if (last.long_form != last.short_form) by_last_keyword_[last.long_form].push_back({index, v});
  }
  entries_.push_back(std::move(e));
}

Lookup CommandTree::find(const std::vector<std::string_view>& keywords, bool query) const {
  Lookup result;
  result.error = err::undefined_header;
  if (keywords.empty()) return result;
  std::vector<Token> tokens;
  tokens.reserve(keywords.size());
  for (auto k : keywords) tokens.push_back(split(k));
  const auto it = by_last_keyword_.find(tokens.back().word);
  if (it == by_last_keyword_.end()) return result;
  for (const Ref& ref : it->second) {
    const Entry& e = entries_[ref.entry];
    const auto& variant = e.pattern.variants[ref.variant];
    if (e.pattern.query != query || variant.size() != tokens.size()) continue;
    Match m = Match::Yes;
    std::vector<int> suffixes;
    for (std::size_t i = 0; i < tokens.size() && m != Match::No; ++i) {
      const PatternKeyword& k = variant[i];
      const Token& t = tokens[i];
      if (t.word != k.short_form && t.word != k.long_form) {
        m = Match::No;
      } else if (!k.has_suffix) {
        if (!t.digits.empty()) m = Match::No;
      } else {
        long long value = 1;
        if (!t.digits.empty()) {
          value = t.digits.size() > 9 ? -1 : std::stoll(std::string(t.digits));
        }
        if (value < e.options.suffix_min || value > e.options.suffix_max) m = Match::SuffixOutOfRange;
        suffixes.push_back(static_cast<int>(value));
      }
    }
    if (m == Match::Yes) {
      result.error = 0;
      result.handler = &e.handler;
      result.options = &e.options;
      result.suffixes = std::move(suffixes);
      return result;
    }
    if (m == Match::SuffixOutOfRange) result.error = err::suffix_out_of_range;
  }
  return result;
}

}  // namespace spiceloop::scpi
