#include "emulator/core/json_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "emulator/core/suggest.hpp"

namespace spiceloop {

using nlohmann::json;

namespace {

std::string printable(std::string_view s) {
  std::string out;
  for (char c : s) out += (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) ? '?' : c;
  return out;
}

// Builds the document from the parser's events, knowing at each moment the JSON pointer of the
// value being read, so that depth, duplicate keys, number overflow and syntax errors are reported
// where they are. (nlohmann's callback parser would do, but rescans the parent container at every
// closing brace: quadratic in the number of edges.)
class DomBuilder : public nlohmann::json_sax<json> {
 public:
  DomBuilder(std::string_view text, const std::string& source, const DocumentKind& kind)
      : text_(text), source_(source), kind_(kind) {}

  json take() { return std::move(root_); }

  bool null() override { return put(json(nullptr)); }
  bool boolean(bool v) override { return put(json(v)); }
  bool number_integer(number_integer_t v) override { return put(json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return put(json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return put(json(v)); }
  bool string(string_t& v) override { return put(json(std::move(v))); }
  bool binary(binary_t& v) override { return put(json::binary(std::move(v))); }
  bool start_object(std::size_t) override { return open(json::object()); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t& k) override {
    keys_.back() = std::move(k);
    if (stack_.back()->contains(keys_.back()))
      kind_.fail(kind_.duplicate_key, where(),
                 fmt::format("key {} appears twice in one object; JSON would silently keep the last, so remove one",
                             json_quote(keys_.back())));
    return true;
  }

  bool parse_error(std::size_t byte, const std::string&, const nlohmann::json::exception& e) override {
    std::string detail = e.what();
    if (const std::size_t colon = detail.find("] "); colon != std::string::npos) detail = detail.substr(colon + 2);
    // nlohmann refuses numbers beyond a double (1e400) rather than reading them as infinity.
    if (e.id == 406)
      kind_.fail(kind_.number_overflow, where(),
                 "number too large for a double (it would be infinite): " + printable(detail));
    if (const std::size_t colon = detail.find(": "); colon != std::string::npos) detail = detail.substr(colon + 2);
    kind_.fail(kind_.syntax, line_column(byte), "JSON syntax error: " + printable(detail));
  }

 private:
  // Where the value now being read sits.
  std::string where() const {
    std::string p;
    for (std::size_t i = 0; i < stack_.size(); ++i) {
      const bool innermost = i + 1 == stack_.size();  // outer arrays already hold the open container
      p = stack_[i]->is_object() ? pointer_append(p, keys_[i])
                                 : pointer_append(p, stack_[i]->size() - (innermost ? 0 : 1));
    }
    return source_.empty() ? p : source_ + "#" + p;
  }

  // byte counts from 1 and names the last character read. nlohmann's own column count is
  // unreliable after a newline, so count here.
  std::string line_column(std::size_t byte) const {
    const std::size_t offset = std::min<std::size_t>(byte > 0 ? byte - 1 : 0, text_.size());
    const std::string_view before = text_.substr(0, offset);
    const std::size_t line = 1 + std::count(before.begin(), before.end(), '\n');
    const std::size_t last_newline = before.rfind('\n');
    const std::size_t column = last_newline == std::string_view::npos ? offset + 1 : offset - last_newline;
    return fmt::format("{}:{}:{}", source_.empty() ? "<json>" : source_, line, column);
  }

  json* put(json&& v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return &parent.back();
    }
    return &(parent[keys_.back()] = std::move(v));
  }
  bool open(json&& container) {
    if (stack_.size() + 1 > static_cast<std::size_t>(json_limits::kMaxDepth))
      kind_.fail(kind_.too_deep, where(),
                 fmt::format("JSON nested more than {} levels deep; no spiceloop document needs so many",
                             json_limits::kMaxDepth));
    stack_.push_back(put(std::move(container)));
    keys_.emplace_back();
    return true;
  }
  bool close() {
    stack_.pop_back();
    keys_.pop_back();
    return true;
  }

  std::string_view text_;
  const std::string& source_;
  const DocumentKind& kind_;
  json root_;
  std::vector<json*> stack_;        // open containers, outermost first
  std::vector<std::string> keys_;  // per open container: the key being read (objects)
};

}  // namespace

json parse_json_text(std::string_view text, const std::string& source, const DocumentKind& kind) {
  DomBuilder builder(text, source, kind);
  json::sax_parse(text.begin(), text.end(), &builder);
  return builder.take();
}

std::string read_text_file(const std::string& path, const DocumentKind& kind) {
  namespace fs = std::filesystem;
  constexpr std::uintmax_t limit = json_limits::kMaxFileBytes;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status))
    kind.fail(kind.unreadable_file, path, "cannot read the file: it does not exist" + missing_file_hint(path));
  if (fs::is_directory(status)) kind.fail(kind.unreadable_file, path, "cannot read the file: it is a directory");
  if (fs::is_regular_file(status)) {
    const std::uintmax_t bytes = fs::file_size(path, ec);
    if (!ec && bytes > limit)
      kind.fail(kind.file_too_large, path,
                fmt::format("the file is {} bytes, over the limit of {} MiB (for large networks, use a generator spec)",
                            bytes, limit >> 20));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) kind.fail(kind.unreadable_file, path, fmt::format("cannot open the file: {}", std::strerror(errno)));
  // Read in pieces up to the limit, so that a pipe or a growing file cannot exhaust memory either.
  std::string text;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > limit)
      kind.fail(kind.file_too_large, path, fmt::format("the file is over the limit of {} MiB", limit >> 20));
  }
  if (in.bad()) kind.fail(kind.unreadable_file, path, "reading the file failed");
  return text;
}

json load_json_file(const std::string& path, const DocumentKind& kind) {
  return parse_json_text(read_text_file(path, kind), path, kind);
}

}  // namespace spiceloop
