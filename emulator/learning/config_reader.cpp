#include "emulator/learning/config_reader.hpp"

#include <algorithm>
#include <cmath>

#include "emulator/core/error.hpp"
#include "emulator/network/validate.hpp"

namespace spiceloop {

namespace {
const char* type_name(const nlohmann::json& v) { return v.type_name(); }
}  // namespace

ConfigObject::ConfigObject(const nlohmann::json& j, std::string source, std::string pointer)
    : j_(j), source_(std::move(source)), pointer_(std::move(pointer)) {
  if (!j_.is_object())
    throw InputError("config.wrong_type", where(), std::string("expected an object, got ") + type_name(j_));
}

std::string ConfigObject::where(std::string_view key) const {
  std::string p = pointer_;
  if (!key.empty()) p = pointer_append(p, key);
  if (p.empty()) p.push_back('/');
  if (source_.empty()) return p;
  std::string w = source_;
  return w.append("#").append(p);
}

void ConfigObject::fail(std::string_view key, const std::string& id, const std::string& message) const {
  throw InputError(id, where(key), message);
}

void ConfigObject::allow_only(const std::vector<std::string_view>& known) const {
  for (const auto& [key, value] : j_.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    const std::string best = closest_match(key, known);  // near misses only, as the network loader
    std::string msg = "unknown key \"" + key + "\"";
    if (!best.empty()) msg += " (did you mean \"" + best + "\"?)";
    fail(key, "config.unknown_key", msg);
  }
}

const nlohmann::json& ConfigObject::at(std::string_view key) const {
  auto it = j_.find(std::string(key));
  if (it == j_.end()) fail(key, "config.missing_key", std::string(1, '"').append(key).append("\" is required"));
  return *it;
}

ConfigObject ConfigObject::object(std::string_view key) const {
  return ConfigObject(at(key), source_, pointer_append(pointer_, key));
}

double ConfigObject::as_number(const nlohmann::json& v, std::string_view key) const {
  if (!v.is_number()) fail(key, "config.wrong_type", std::string("expected a number, got ") + type_name(v));
  const double x = v.get<double>();
  if (!std::isfinite(x)) fail(key, "config.invalid", "must be a finite number");
  return x;
}

double ConfigObject::number(std::string_view key) const { return as_number(at(key), key); }

double ConfigObject::number(std::string_view key, double fallback) const {
  return has(key) ? number(key) : fallback;
}

std::int64_t ConfigObject::integer(std::string_view key) const {
  const auto& v = at(key);
  if (!v.is_number_integer())
    fail(key, "config.wrong_type", std::string("expected an integer, got ") + type_name(v));
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
    fail(key, "config.invalid", "integer too large");
  return v.get<std::int64_t>();
}

std::int64_t ConfigObject::integer(std::string_view key, std::int64_t fallback) const {
  return has(key) ? integer(key) : fallback;
}

std::string ConfigObject::string(std::string_view key) const {
  const auto& v = at(key);
  if (!v.is_string()) fail(key, "config.wrong_type", std::string("expected a string, got ") + type_name(v));
  return v.get<std::string>();
}

std::string ConfigObject::string(std::string_view key, std::string fallback) const {
  return has(key) ? string(key) : fallback;
}

bool ConfigObject::boolean(std::string_view key, bool fallback) const {
  if (!has(key)) return fallback;
  const auto& v = at(key);
  if (!v.is_boolean()) fail(key, "config.wrong_type", std::string("expected true or false, got ") + type_name(v));
  return v.get<bool>();
}

std::vector<double> ConfigObject::numbers(std::string_view key) const {
  const auto& v = at(key);
  if (!v.is_array()) fail(key, "config.wrong_type", std::string("expected an array of numbers, got ") + type_name(v));
  std::vector<double> out;
  for (const auto& x : v) {
    if (!x.is_number() || !std::isfinite(x.get<double>()))
      fail(key, "config.wrong_type", "expected an array of finite numbers");
    out.push_back(x.get<double>());
  }
  return out;
}

std::string ConfigObject::choice(std::string_view key, const std::vector<std::string_view>& words,
                                 std::string_view fallback) const {
  if (!has(key) && !fallback.empty()) return std::string(fallback);
  const std::string s = string(key);
  if (std::find(words.begin(), words.end(), s) != words.end()) return s;
  std::string list;
  for (auto w : words) list += (list.empty() ? "\"" : ", \"") + std::string(w) + "\"";
  fail(key, "config.invalid", "\"" + s + "\" is not one of " + list);
}

}  // namespace spiceloop
