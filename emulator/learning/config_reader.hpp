// Strict reader of one object of an experiment document. Every problem is an InputError with id
// "config.<what>" at "<file>#<JSON pointer>" (or the bare pointer when there is no file), thrown
// before any work: unknown_key (with the closest known key), missing_key, wrong_type, invalid.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace spiceloop {

class ConfigObject {
 public:
  // Throws config.wrong_type if j is not an object.
  ConfigObject(const nlohmann::json& j, std::string source, std::string pointer);

  void allow_only(const std::vector<std::string_view>& known) const;
  bool has(std::string_view key) const { return j_.contains(std::string(key)); }
  const nlohmann::json& at(std::string_view key) const;  // required
  ConfigObject object(std::string_view key) const;       // required, an object

  double number(std::string_view key) const;  // required; finite
  double number(std::string_view key, double fallback) const;
  std::int64_t integer(std::string_view key) const;
  std::int64_t integer(std::string_view key, std::int64_t fallback) const;
  std::string string(std::string_view key) const;
  std::string string(std::string_view key, std::string fallback) const;
  bool boolean(std::string_view key, bool fallback) const;
  std::vector<double> numbers(std::string_view key) const;  // an array of finite numbers
  // One of the given words; the message lists them.
  std::string choice(std::string_view key, const std::vector<std::string_view>& words,
                     std::string_view fallback = {}) const;

  std::string where(std::string_view key = {}) const;
  const std::string& source() const { return source_; }
  const std::string& pointer() const { return pointer_; }
  [[noreturn]] void fail(std::string_view key, const std::string& id, const std::string& message) const;

 private:
  double as_number(const nlohmann::json& v, std::string_view key) const;
  const nlohmann::json& j_;
  std::string source_;
  std::string pointer_;
};

}  // namespace spiceloop
