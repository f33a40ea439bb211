#include "emulator/core/suggest.hpp"

#include <algorithm>
#include <cctype>

namespace spiceloop {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Levenshtein distance, one row at a time.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates) {
  const std::string w = lower(word);
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, w.size() / 3) + 1;
  for (std::string_view candidate : candidates) {
    const std::size_t d = edit_distance(w, lower(candidate));
    if (d < best_distance) {
      best_distance = d;
      best = std::string(candidate);
    }
  }
  return best;
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  return closest_match(word, std::vector<std::string_view>(candidates.begin(), candidates.end()));
}

std::string missing_file_hint(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  const fs::path folder = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return "; the folder \"" + folder.string() + "\" does not exist either";
  std::vector<std::string> names;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end && names.size() < 1000; it.increment(ec))
    names.push_back(it->path().filename().string());
  const std::string best = closest_match(path.filename().string(), names);
  if (best.empty()) return "";
  return "; did you mean \"" + (path.parent_path().empty() ? fs::path(best) : path.parent_path() / best).string() + "\"?";
}

std::string missing_file_message(const std::filesystem::path& path, bool was_relative, std::string_view document) {
  std::string m = "the file \"" + path.string() + "\" does not exist";
  if (was_relative) m += " (a relative path starts at the " + std::string(document) + " file's folder)";
  return m + missing_file_hint(path);
}

}  // namespace spiceloop
