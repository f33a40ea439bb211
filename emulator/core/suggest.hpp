// "Did you mean": the candidate a misspelt word most likely meant, for every error message that
// names an unknown key, node, command or port. One rule everywhere: case-insensitive edit
// distance, close enough when at most max(2, length / 3) edits away. Also: near file names.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace spiceloop {

// The closest candidate, or "" when none is close enough (a far guess misleads more than none).
std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates);
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// For a path that does not exist, what to say after "does not exist": "; did you mean \"dir/name\"?"
// for the closest name in its folder (the same rule), "; the folder \"dir\" does not exist either",
// or "" when nothing is close. Reads the folder, so only for error messages.
std::string missing_file_hint(const std::filesystem::path& path);

// The whole message for a file a document names that does not exist: "the file \"p\" does not
// exist (a relative path starts at the <document> file's folder); did you mean ...".
std::string missing_file_message(const std::filesystem::path& path, bool was_relative, std::string_view document);

}  // namespace spiceloop
