#include "drivers/scpi/processor.hpp"

#include <cctype>
#include <vector>

#include "drivers/scpi/error.hpp"
#include "drivers/scpi/parameters.hpp"

namespace spiceloop::scpi {
namespace {

bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

[[noreturn]] void bad_byte(char c) {
  throw Error(is_printable(c) ? err::syntax : err::invalid_character);
}

struct Header {
  std::vector<std::string_view> keywords;
  bool rooted = false;
  bool common = false;
  bool query = false;
};

Header lex_header(std::string_view t, std::size_t& pos) {
  Header h;
  if (t[pos] == ':') {
    h.rooted = true;
    ++pos;
  }
  const auto at_end = [&] { return pos >= t.size() || t[pos] == ';' || is_space(t[pos]); };
  if (at_end()) throw Error(err::command);
  if (t[pos] == '*') {
    const std::size_t start = pos++;
    while (pos < t.size() && is_alpha(t[pos])) ++pos;
    if (pos == start + 1 && (at_end() || t[pos] == '?')) throw Error(err::command);
    if (pos == start + 1) bad_byte(t[pos]);
    h.common = true;
    h.keywords.push_back(t.substr(start, pos - start));
  } else {
    while (true) {
      if (pos >= t.size() || !is_alpha(t[pos])) {
        if (pos >= t.size()) throw Error(err::syntax);
        bad_byte(t[pos]);
      }
      const std::size_t start = pos;
      std::size_t letters = 0;
      while (pos < t.size() && is_word(t[pos])) {
        if (!std::isdigit(static_cast<unsigned char>(t[pos]))) letters = pos - start + 1;
        ++pos;
      }
      if (letters > max_keyword_letters) throw Error(err::mnemonic_too_long);
      h.keywords.push_back(t.substr(start, pos - start));
      if (pos < t.size() && t[pos] == ':') {
        ++pos;
        continue;
      }
      break;
    }
  }
  if (pos < t.size() && t[pos] == '?') {
    h.query = true;
    ++pos;
  }
  if (pos < t.size() && !is_space(t[pos]) && t[pos] != ';') {
    if (!is_printable(t[pos])) throw Error(err::invalid_character);
    throw Error(err::header_separator);
  }
  return h;
}

}  // namespace

std::string Processor::execute(std::string_view t) noexcept {
  std::string out;
  bool answered = false;
  std::vector<std::string_view> path;
  std::size_t pos = 0;
  while (pos < t.size()) {
    while (pos < t.size() && is_space(t[pos])) ++pos;
    if (pos >= t.size()) break;
    if (t[pos] == ';') {
      ++pos;
      continue;
    }
    try {
      const Header h = lex_header(t, pos);
      std::vector<std::string_view> full;
      if (!h.common && !h.rooted) full = path;
      full.insert(full.end(), h.keywords.begin(), h.keywords.end());
      Lookup found = tree_.find(full, h.query);
      if (found.error) throw Error(found.error);
      if (!h.common) path.assign(full.begin(), full.end() - 1);
      const std::vector<Param> params = lex_parameters(t, pos);
      if (params.size() < found.options->min_params) throw Error(err::missing_parameter);
      if (params.size() > found.options->max_params) throw Error(err::parameter_not_allowed);
      Call call(params, std::move(found.suffixes), h.query);
      (*found.handler)(call);
      if (h.query && call.responded()) {
        if (answered) out += ';';
        out += call.response();
        answered = true;
      }
    } catch (const Error& e) {
      status_.report(e.code(), e.detail());
      pos = skip_unit(t, pos);
    } catch (...) {
      status_.report(err::execution);
      pos = skip_unit(t, pos);
    }
  }
  if (answered) out += '\n';
  return out;
}

}  // namespace spiceloop::scpi
