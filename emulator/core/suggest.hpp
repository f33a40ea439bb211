// "Did you mean": the candidate a misspelt word most likely meant, for every error message that
// names an unknown key, node, command or port. One rule everywhere: case-insensitive edit
// distance, close enough when at most max(2, length / 3) edits away.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace spiceloop {

// The closest candidate, or "" when none is close enough (a far guess misleads more than none).
std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates);
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace spiceloop
