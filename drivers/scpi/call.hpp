#pragma once
// What a command handler sees: the lexed parameters of its unit, the numeric suffixes of its
// header (in keyword order; 1 where the keyword carried none), and a place for a query's answer.
// Accessors throw scpi::Error (see convert.hpp); a missing parameter is -109. A handler reports
// failure by throwing scpi::Error; any other exception becomes -200 at the processor.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/scpi/convert.hpp"
#include "drivers/scpi/parameters.hpp"

namespace spiceloop::scpi {

class Call {
 public:
  Call(const std::vector<Param>& params, std::vector<int> suffixes, bool query)
      : params_(params), suffixes_(std::move(suffixes)), query_(query) {}

  bool is_query() const { return query_; }
  std::size_t count() const { return params_.size(); }
  bool has(std::size_t i) const { return i < params_.size(); }
  const Param& param(std::size_t i) const;
  int suffix(std::size_t i = 0) const { return i < suffixes_.size() ? suffixes_[i] : 1; }

  double number(std::size_t i, const NumberSpec& spec = {}) const { return to_number(param(i), spec); }
  std::int64_t integer(std::size_t i, std::int64_t min, std::int64_t max,
                       std::optional<std::int64_t> def = {}) const {
    return to_integer(param(i), min, max, def);
  }
  bool boolean(std::size_t i) const { return to_boolean(param(i)); }
  std::size_t choice(std::size_t i, std::initializer_list<std::string_view> words) const {
    return to_choice(param(i), words);
  }
  std::string string(std::size_t i) const { return to_string(param(i)); }
  std::vector<int> channels(std::size_t i) const { return to_channels(param(i)); }
  std::string block(std::size_t i) const { return to_block(param(i)); }

  // A query's answer, already formatted (see response.hpp); a second call appends after a comma.
  void respond(std::string_view text);
  bool responded() const { return responded_; }
  const std::string& response() const { return response_; }

 private:
  const std::vector<Param>& params_;
  std::vector<int> suffixes_;
  bool query_;
  bool responded_ = false;
  std::string response_;
};

}  // namespace spiceloop::scpi
