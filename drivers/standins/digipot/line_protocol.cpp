#include "drivers/standins/digipot/line_protocol.hpp"

#include <optional>
#include <string>
#include <vector>

#include "emulator/core/error.hpp"

namespace spiceloop::standins {

namespace {

constexpr long long kSaturated = 1'000'000'000'000'000LL;

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_blank(line[i])) ++i;
    const std::size_t start = i;
    while (i < line.size() && !is_blank(line[i])) ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

bool equals_upper(std::string_view word, std::string_view upper) {
  if (word.size() != upper.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    char c = word[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != upper[i]) return false;
  }
  return true;
}

// An optional sign and decimal digits; magnitudes saturate (they are out of every range anyway).
std::optional<long long> integer(std::string_view w) {
  bool negative = false;
  if (!w.empty() && (w[0] == '+' || w[0] == '-')) {
    negative = w[0] == '-';
    w.remove_prefix(1);
  }
  if (w.empty()) return std::nullopt;
  long long v = 0;
  for (char c : w) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v >= kSaturated ? kSaturated : v * 10 + (c - '0');
  }
  return negative ? -v : v;
}

std::string text(long long v) { return v <= -kSaturated || v >= kSaturated ? "beyond 1e15" : std::to_string(v); }

struct Refused {
  std::string reason;
};

}  // namespace

DigipotLine::DigipotLine(DigipotBoard& board, DigipotLineOptions options) : board_(board), options_(std::move(options)) {}

void DigipotLine::feed(std::string_view bytes) {
  for (char c : bytes) {
    if (c == '\n' || c == '\r') {
      end_line();
    } else if (line_.size() < options_.max_line_bytes) {
      line_ += c;
    } else {
      overlong_ = true;
    }
  }
}

std::string DigipotLine::take_output() {
  std::string out;
  out.swap(output_);
  return out;
}

void DigipotLine::end_line() {
  if (overlong_)
    answer("ERR line too long");
  else if (!words(line_).empty())
    answer(execute(line_));
  line_.clear();
  overlong_ = false;
}

void DigipotLine::answer(const std::string& text) {
  if (output_.size() + text.size() + options_.eol.size() > options_.max_output_bytes) {
    ++dropped_;
    return;
  }
  output_ += text;
  output_ += options_.eol;
}

std::string DigipotLine::execute(std::string_view line) {
  for (char c : line)
    if (!is_blank(c) && (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e))
      return "ERR invalid character";

  const std::vector<std::string_view> w = words(line);
  const std::string_view kw = w[0];
  std::size_t args = 0;
  if (equals_upper(kw, "SET") || equals_upper(kw, "INC") || equals_upper(kw, "DEC"))
    args = 2;
  else if (equals_upper(kw, "GET?"))
    args = 1;
  else if (!equals_upper(kw, "ALL?"))
    return "ERR unknown command";
  if (w.size() < args + 1) return "ERR missing argument";
  if (w.size() > args + 1) return "ERR too many arguments";

  try {
    std::vector<long long> n;
    for (std::size_t i = 1; i < w.size(); ++i) {
      const auto v = integer(w[i]);
      if (!v) throw Refused{"bad number"};
      n.push_back(*v);
    }
    if (args == 0) {
      std::string out;
      for (int ch : board_.channels()) {
        if (!out.empty()) out += ' ';
        out += std::to_string(board_.code(ch));
      }
      return out;
    }
    if (n[0] < 0 || n[0] > 1'000'000 || !board_.has_channel(static_cast<int>(n[0])))
      throw Refused{"no channel " + text(n[0])};
    const int ch = static_cast<int>(n[0]);
    if (args == 1) return std::to_string(board_.code(ch));

    if (equals_upper(kw, "SET")) {
      if (n[1] < 0 || n[1] > board_.max_code(ch))
        throw Refused{"code " + text(n[1]) + " out of range 0.." + std::to_string(board_.max_code(ch))};
      board_.set_code(ch, static_cast<int>(n[1]));
    } else {
      if (n[1] < 0 || n[1] > DigipotBoard::kMaxSteps)
        throw Refused{"steps " + text(n[1]) + " out of range 0.." + std::to_string(DigipotBoard::kMaxSteps)};
      board_.step(ch, static_cast<int>(equals_upper(kw, "INC") ? n[1] : -n[1]));
    }
    return "OK";
  } catch (const Refused& r) {
    return "ERR " + r.reason;
  } catch (const spiceloop::Error& e) {
    return "ERR execution " + e.id();
  }
}

}  // namespace spiceloop::standins
