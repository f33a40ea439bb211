#include "emulator/core/json_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "emulator/core/error.hpp"
#include "emulator/core/suggest.hpp"

namespace spiceloop {

using Json = nlohmann::json;

namespace {

std::string type_name(const Json& v) {
  if (v.is_number_integer()) return "an integer";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return "null";
}

std::string quoted_list(const std::vector<std::string_view>& words) {
  std::vector<std::string> quoted;
  for (std::string_view w : words) quoted.push_back(json_quote(w));
  return fmt::format("{}", fmt::join(quoted, ", "));
}

}  // namespace

DocumentKind DocumentKind::single(std::string prefix, const std::string& name) {
  return {std::move(prefix), name, name, name, name, name, name, name, name, name, name, name, name, name};
}

void DocumentKind::fail(std::string_view name, const std::string& where, const std::string& message) const {
  throw InputError(id(name), where, message);
}

std::string JsonOrigin::where(std::string_view pointer) const {
  std::string p = base_pointer + std::string(pointer);
  return source.empty() ? p : source + "#" + p;
}

std::string pointer_append(std::string_view pointer, std::string_view key) {
  std::string out(pointer);
  out += '/';
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) out += '?';  // keep locations printable
    else out += c;
  }
  return out;
}

std::string pointer_append(std::string_view pointer, std::size_t index) {
  return std::string(pointer) + "/" + std::to_string(index);
}

std::string json_quote(std::string_view text) {
  return Json(std::string(text)).dump(-1, ' ', false, Json::error_handler_t::replace);
}

JsonValue::JsonValue(const Json& v, const DocumentKind& kind, JsonOrigin origin, std::string pointer, std::string what)
    : v_(&v), kind_(&kind), origin_(std::move(origin)), pointer_(std::move(pointer)), what_(std::move(what)) {}

void JsonValue::fail(std::string_view id, const std::string& message) const { kind_->fail(id, where(), message); }

void JsonValue::wrong_type(std::string_view expected) const {
  fail(kind_->wrong_type, fmt::format("{} must be {}, not {}", what_, expected, type_name(*v_)));
}

double JsonValue::number() const {
  if (!v_->is_number()) wrong_type("a number");
  const double d = v_->get<double>();
  if (!std::isfinite(d)) fail(kind_->not_finite, fmt::format("{} must be a finite number", what_));
  return d;
}

std::int64_t JsonValue::integer() const {
  if (v_->is_number_unsigned()) {
    if (v_->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
      fail(kind_->out_of_range, fmt::format("{} is far too large", what_));
    return static_cast<std::int64_t>(v_->get<std::uint64_t>());
  }
  if (!v_->is_number_integer()) wrong_type("an integer (digits only, no '.' or exponent)");
  return v_->get<std::int64_t>();
}

std::uint64_t JsonValue::unsigned_integer() const {
  if (v_->is_number_unsigned()) return v_->get<std::uint64_t>();
  // A document built in code (C++ or Python) holds small non-negative integers as signed.
  if (v_->is_number_integer() && v_->get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(v_->get<std::int64_t>());
  if (v_->is_number_integer())
    fail(kind_->out_of_range, fmt::format("{} must be an integer from 0 to 2^64-1, not {}", what_, v_->dump()));
  wrong_type("a non-negative integer");
}

std::string JsonValue::string() const {
  if (!v_->is_string()) wrong_type("a string");
  return v_->get<std::string>();
}

bool JsonValue::boolean() const {
  if (!v_->is_boolean()) wrong_type("true or false");
  return v_->get<bool>();
}

const Json& JsonValue::array() const {
  if (!v_->is_array()) wrong_type("an array [...]");
  return *v_;
}

std::vector<double> JsonValue::numbers() const {
  const Json& a = array();
  std::vector<double> out;
  out.reserve(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) out.push_back(element(i, "each element of " + what_).number());
  return out;
}

JsonObject JsonValue::object() const { return JsonObject(*v_, *kind_, origin_, pointer_, what_); }

std::string JsonValue::choice(const std::vector<std::string_view>& words, std::string_view id) const {
  std::string s = string();
  if (std::find(words.begin(), words.end(), s) != words.end()) return s;
  std::string message = fmt::format("{} is {}, not one of {}", what_, json_quote(s), quoted_list(words));
  if (const std::string best = closest_match(s, words); !best.empty())
    message += fmt::format("; did you mean {}?", json_quote(best));
  fail(id.empty() ? std::string_view(kind_->not_a_choice) : id, message);
}

JsonValue JsonValue::element(std::size_t index, std::string what) const {
  return JsonValue(array().at(index), *kind_, origin_, pointer_append(pointer_, index), std::move(what));
}

JsonObject::JsonObject(const Json& j, const DocumentKind& kind, JsonOrigin origin, std::string pointer, std::string what)
    : j_(&j), kind_(&kind), origin_(std::move(origin)), pointer_(std::move(pointer)), what_(std::move(what)) {
  if (!j_->is_object())
    kind_->fail(kind_->not_an_object, where(),
                fmt::format("{} must be a JSON object {{...}}, not {}", what_, type_name(*j_)));
}

void JsonObject::allow_only(const std::vector<std::string_view>& known) const {
  for (const auto& [key, value] : j_->items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string message = fmt::format("{} is not a key of {}", json_quote(key), what_);
    if (const std::string best = closest_match(key, known); !best.empty())
      message += fmt::format("; did you mean {}?", json_quote(best));
    message += fmt::format(" (known keys: {})", fmt::join(known, ", "));
    fail(kind_->unknown_key, key, message);
  }
}

const Json* JsonObject::find(std::string_view key) const {
  const auto it = j_->find(std::string(key));
  return it == j_->end() ? nullptr : &*it;
}

const Json& JsonObject::at(std::string_view key) const {
  if (const Json* v = find(key)) return *v;
  fail(kind_->missing_key, key, fmt::format("{} needs the key {}", what_, json_quote(key)));
}

JsonValue JsonObject::member(std::string_view key) const {
  return JsonValue(at(key), *kind_, origin_, pointer(key), json_quote(key));
}

double JsonObject::number(std::string_view key) const { return member(key).number(); }
double JsonObject::number(std::string_view key, double fallback) const { return has(key) ? number(key) : fallback; }

std::int64_t JsonObject::integer(std::string_view key) const { return member(key).integer(); }
std::int64_t JsonObject::integer(std::string_view key, std::int64_t fallback) const {
  return has(key) ? integer(key) : fallback;
}

std::uint64_t JsonObject::unsigned_integer(std::string_view key) const { return member(key).unsigned_integer(); }
std::uint64_t JsonObject::unsigned_integer(std::string_view key, std::uint64_t fallback) const {
  return has(key) ? unsigned_integer(key) : fallback;
}

std::string JsonObject::string(std::string_view key) const { return member(key).string(); }
std::string JsonObject::string(std::string_view key, std::string fallback) const {
  return has(key) ? string(key) : fallback;
}

bool JsonObject::boolean(std::string_view key) const { return member(key).boolean(); }
bool JsonObject::boolean(std::string_view key, bool fallback) const { return has(key) ? boolean(key) : fallback; }

const Json& JsonObject::array(std::string_view key) const { return member(key).array(); }

std::vector<double> JsonObject::numbers(std::string_view key) const { return member(key).numbers(); }

std::string JsonObject::choice(std::string_view key, const std::vector<std::string_view>& words) const {
  return member(key).choice(words);
}

std::string JsonObject::choice(std::string_view key, const std::vector<std::string_view>& words,
                               std::string_view fallback) const {
  return has(key) ? choice(key, words) : std::string(fallback);
}

JsonObject JsonObject::object(std::string_view key, std::string what) const {
  return JsonObject(at(key), *kind_, origin_, pointer(key), std::move(what));
}

void JsonObject::fail(std::string_view id, std::string_view key, const std::string& message) const {
  kind_->fail(id, key.empty() ? where() : where(key), message);
}

}  // namespace spiceloop
