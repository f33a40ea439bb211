// The one strict reader of JSON documents (networks, experiments, sweeps, benches, addresses,
// checkpoints, control-port requests). Every problem is an InputError "<prefix>.<name>" located
// by "<file>#<JSON pointer>" ("/edges/3/ohms", the bare pointer when there is no file), thrown
// before any work. Typed reads fail at the value's own pointer; unknown keys are refused with the
// closest known key ("did you mean") and the list of known keys.
//
// A DocumentKind names the ids one kind of document reports, so that each keeps the ids its users
// and tests know (a config's bad choice is "config.invalid", a control request's missing field
// "control.missing_field"). The text below a document (syntax, depth, duplicate keys, files) is
// json_text.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace spiceloop {

// The ids a kind of document reports for the reader's own checks: "<prefix>.<name>". A kind
// outlives every reader of it (they keep a pointer): define kinds as namespace-scope constants.
struct DocumentKind {
  std::string prefix;  // "network", "config", "bench", ...
  // The text layer (json_text.hpp).
  std::string syntax = "json_syntax";
  std::string too_deep = "too_deep";
  std::string duplicate_key = "duplicate_key";
  std::string number_overflow = "not_finite";  // a number the text holds beyond a double
  std::string unreadable_file = "unreadable_file";
  std::string file_too_large = "file_too_large";
  // Values.
  std::string not_an_object = "wrong_type";  // the document or a nested object is not {...}
  std::string wrong_type = "wrong_type";
  std::string not_finite = "not_finite";
  std::string out_of_range = "out_of_range";  // an integer beyond 64 bits, a negative unsigned
  std::string missing_key = "missing_key";
  std::string unknown_key = "unknown_key";
  std::string not_a_choice = "invalid";  // a word outside choice()'s list, unless the call names its id

  // A kind whose every check reports the one id "<prefix>.<name>": for a machine-written file,
  // where all there is to say is that it is malformed (and where).
  static DocumentKind single(std::string prefix, const std::string& name);

  std::string id(std::string_view name) const { return prefix + "." + std::string(name); }
  [[noreturn]] void fail(std::string_view name, const std::string& where, const std::string& message) const;
};

// Where a document came from: the file (or "") and the pointer of the document inside it (an
// experiment file may embed a network at "/network").
struct JsonOrigin {
  std::string source;
  std::string base_pointer;
  std::string where(std::string_view pointer) const;  // "<source>#<base><pointer>" or "<base><pointer>"
};

std::string pointer_append(std::string_view pointer, std::string_view key);  // escapes ~ and /
std::string pointer_append(std::string_view pointer, std::size_t index);
std::string json_quote(std::string_view text);  // JSON-escaped and quoted, safe to print

class JsonObject;

// One value of a document at its pointer. `what` names it in messages ("\"ohms\"", "a node name").
class JsonValue {
 public:
  JsonValue(const nlohmann::json& v, const DocumentKind& kind, JsonOrigin origin, std::string pointer, std::string what);
  JsonValue(const nlohmann::json&, DocumentKind&&, JsonOrigin, std::string, std::string) = delete;

  double number() const;        // finite
  std::int64_t integer() const;  // a JSON integer (no '.' or exponent)
  std::uint64_t unsigned_integer() const;
  std::string string() const;
  bool boolean() const;
  const nlohmann::json& array() const;
  std::vector<double> numbers() const;  // an array of finite numbers
  JsonObject object() const;
  // One of the words; the message lists them and suggests the closest. id: kind.not_a_choice if empty.
  std::string choice(const std::vector<std::string_view>& words, std::string_view id = {}) const;
  JsonValue element(std::size_t index, std::string what) const;  // of an array value

  [[noreturn]] void fail(std::string_view id, const std::string& message) const;
  [[noreturn]] void wrong_type(std::string_view expected) const;  // "<what> must be <expected>, not ..."

  const nlohmann::json& json() const { return *v_; }
  const DocumentKind& kind() const { return *kind_; }
  const JsonOrigin& origin() const { return origin_; }
  const std::string& pointer() const { return pointer_; }
  const std::string& what() const { return what_; }
  std::string where() const { return origin_.where(pointer_); }

 private:
  const nlohmann::json* v_;
  const DocumentKind* kind_;
  JsonOrigin origin_;
  std::string pointer_;
  std::string what_;
};

// Strict reader of one JSON object. The constructor fails with kind.not_an_object if j is not an
// object. Getters without a fallback require the key (kind.missing_key); with one, an absent key
// gives the fallback and a present one must still have the right type.
class JsonObject {
 public:
  JsonObject(const nlohmann::json& j, const DocumentKind& kind, JsonOrigin origin, std::string pointer, std::string what);
  JsonObject(const nlohmann::json&, DocumentKind&&, JsonOrigin, std::string, std::string) = delete;

  void allow_only(const std::vector<std::string_view>& known) const;  // kind.unknown_key

  bool has(std::string_view key) const { return find(key) != nullptr; }
  const nlohmann::json* find(std::string_view key) const;
  const nlohmann::json& at(std::string_view key) const;  // required
  JsonValue member(std::string_view key) const;          // required

  double number(std::string_view key) const;
  double number(std::string_view key, double fallback) const;
  std::int64_t integer(std::string_view key) const;
  std::int64_t integer(std::string_view key, std::int64_t fallback) const;
  std::uint64_t unsigned_integer(std::string_view key) const;
  std::uint64_t unsigned_integer(std::string_view key, std::uint64_t fallback) const;
  std::string string(std::string_view key) const;
  std::string string(std::string_view key, std::string fallback) const;
  bool boolean(std::string_view key) const;
  bool boolean(std::string_view key, bool fallback) const;
  const nlohmann::json& array(std::string_view key) const;
  std::vector<double> numbers(std::string_view key) const;
  std::string choice(std::string_view key, const std::vector<std::string_view>& words) const;
  std::string choice(std::string_view key, const std::vector<std::string_view>& words, std::string_view fallback) const;
  JsonObject object(std::string_view key, std::string what) const;

  // id without the prefix; key "" names the object itself.
  [[noreturn]] void fail(std::string_view id, std::string_view key, const std::string& message) const;

  const nlohmann::json& json() const { return *j_; }
  const DocumentKind& kind() const { return *kind_; }
  const JsonOrigin& origin() const { return origin_; }
  const std::string& pointer() const { return pointer_; }
  std::string pointer(std::string_view key) const { return pointer_append(pointer_, key); }
  std::string where(std::string_view key) const { return origin_.where(pointer(key)); }
  std::string where() const { return origin_.where(pointer_); }
  const std::string& what() const { return what_; }

 private:
  const nlohmann::json* j_;
  const DocumentKind* kind_;
  JsonOrigin origin_;
  std::string pointer_;
  std::string what_;  // "an edge", "a network document", ... for messages
};

}  // namespace spiceloop
