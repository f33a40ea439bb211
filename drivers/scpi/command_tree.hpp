#pragma once
// The command set of one instrument: SCPI patterns (pattern.hpp), each with a handler and limits.
// Lookup takes a full header as typed (keywords with their suffix digits, the relative path
// already prepended) and answers the handler and suffixes, or the SCPI code of the failure:
// -113 no pattern has this header (keywords match short or long form only, any case),
// -114 a pattern matches but a numeric suffix is outside [suffix_min, suffix_max].
// Registration happens once at start-up; lookup is const and may run from any one thread.
#include <cstddef>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "drivers/scpi/call.hpp"
#include "drivers/scpi/pattern.hpp"

namespace spiceloop::scpi {

using Handler = std::function<void(Call&)>;

struct CommandOptions {
  std::size_t min_params = 0;  // fewer: -109 "Missing parameter"
  std::size_t max_params = 0;  // more: -108 "Parameter not allowed"
  int suffix_min = 1;
  int suffix_max = std::numeric_limits<int>::max();
};

struct Lookup {
  int error = 0;  // 0, -113 or -114
  const Handler* handler = nullptr;
  const CommandOptions* options = nullptr;
  std::vector<int> suffixes;
};

class CommandTree {
 public:
  // Throws std::invalid_argument for a malformed pattern (a programmer error, found at start-up).
  void add(std::string_view pattern, Handler handler, CommandOptions options = {});
  Lookup find(const std::vector<std::string_view>& keywords, bool query) const;
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    Pattern pattern;
    Handler handler;
    CommandOptions options;
  };
  struct Ref {
    std::size_t entry;
    std::size_t variant;
  };
  std::vector<Entry> entries_;
  std::unordered_map<std::string, std::vector<Ref>> by_last_keyword_;
};

}  // namespace spiceloop::scpi
