#include "emulator/study/point_store.hpp"

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <sstream>

#include "emulator/core/atomic_file.hpp"
#include "emulator/core/error.hpp"

namespace spiceloop::study {

namespace fs = std::filesystem;

namespace {

// The leading "<index>," of a results row, written as spiceloop writes it (no sign, no leading zero:
// "00," would be looked up as row 0 but is not what the sweep wrote); nullopt otherwise.
std::optional<std::int64_t> row_index(std::string_view row) {
  std::int64_t index = -1;
  const auto [end, ec] = std::from_chars(row.data(), row.data() + row.size(), index);
  if (ec != std::errc() || end == row.data() || end == row.data() + row.size() || *end != ',' ||
      !(row[0] >= '0' && row[0] <= '9') || (row[0] == '0' && end - row.data() > 1))
    return std::nullopt;
  return index;
}

// "<7+ digits>" followed by ".csv" after prefix: the index in a stored file's name.
std::optional<std::int64_t> name_index(const std::string& name, std::string_view prefix) {
  if (name.size() <= prefix.size() + 4 || name.compare(0, prefix.size(), prefix) != 0 ||
      name.compare(name.size() - 4, 4, ".csv") != 0)
    return std::nullopt;
  const std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - 4);
  std::int64_t index = -1;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return index;
}

}  // namespace

PointStore::PointStore(fs::path out_dir) : dir_(std::move(out_dir)) {}

void PointStore::claim(const nlohmann::json& doc) const {
  fs::create_directories(dir_ / "points");
  const fs::path owner = dir_ / "sweep.json";
  const std::string text = doc.dump(2) + "\n";
  if (fs::exists(owner)) {
    std::ifstream in(owner);
    std::stringstream s;
    s << in.rdbuf();
    if (s.str() != text)
      throw InputError("sweep.changed", owner.string(),
                       "this directory holds the points of a different sweep; choose another --out or delete it");
    return;
  }
  write_file_atomically(owner, text);
}

void PointStore::load() {
  stored_.clear();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_ / "points", ec)) {
    const std::string name = entry.path().filename().string();
    if (name_index(name, "chunk-"))
      read_chunk(entry.path());
    else if (const auto index = name_index(name, ""))
      read_point_file(entry.path(), *index);
  }
}

void PointStore::read_chunk(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    const auto index = row_index(line);
    if (!index)
      throw InputError("sweep.bad_points", fmt::format("{} line {}", file.string(), number),
                       "not a results row (index,...); this file was not written by spiceloop sweep: move it away "
                       "and rerun (its points are redone)");
    stored_.try_emplace(*index, std::move(line));
  }
}

void PointStore::read_point_file(const fs::path& file, std::int64_t index) {
  std::ifstream in(file);
  std::string row;
  if (!std::getline(in, row) || row.empty()) return;
  // The row must name its own index: guards against a file copied from elsewhere.
  if (row_index(row) != index) return;
  stored_.try_emplace(index, std::move(row));
}

std::optional<std::string> PointStore::find(std::int64_t index) const {
  const auto it = stored_.find(index);
  if (it == stored_.end()) return std::nullopt;
  return it->second;
}

void PointStore::put(std::int64_t index, const std::string& row) {
  if (pending_count_ == 0) pending_first_ = index;
  pending_ += row;
  pending_ += '\n';
  ++pending_count_;
}

void PointStore::flush() {
  if (pending_count_ == 0) return;
  write_file_atomically(dir_ / "points" / fmt::format("chunk-{:07d}.csv", pending_first_), pending_);
  pending_.clear();
  pending_count_ = 0;
  pending_first_ = -1;
}

}  // namespace spiceloop::study
