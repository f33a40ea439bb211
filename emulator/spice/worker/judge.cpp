#include "emulator/spice/worker/judge.hpp"

#include <algorithm>
#include <cctype>

namespace spiceloop::worker {

bool is_failure_line(std::string_view line) {
  static constexpr std::string_view patterns[] = {
      "error",         "singular",        "gmin stepping failed", "source stepping failed",
      "timestep too small", "aborted",    "not parsed",           "warning",
      "transient op",  "no such",         "unknown",              "fatal",
      "could not",     "cannot",          "can't",                "no convergence",
      "not converge",  "iteration limit",
  };
  std::string lower(line);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::string_view p : patterns)
    if (lower.find(p) != std::string::npos) return true;
  return false;
}

std::optional<std::string> first_failure(const std::vector<std::string>& lines) {
  for (const std::string& l : lines)
    if (is_failure_line(l)) return l;
  return std::nullopt;
}

}  // namespace spiceloop::worker
