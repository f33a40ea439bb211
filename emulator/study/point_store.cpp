#include "emulator/study/point_store.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "emulator/core/error.hpp"
#include "emulator/core/atomic_file.hpp"

namespace spiceloop::study {

namespace fs = std::filesystem;

PointStore::PointStore(fs::path out_dir) : dir_(std::move(out_dir)) {}

fs::path PointStore::path(std::int64_t index) const { return dir_ / "points" / fmt::format("{:07d}.csv", index); }

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

std::optional<std::string> PointStore::find(std::int64_t index) const {
  std::ifstream in(path(index));
  if (!in) return std::nullopt;
  std::string row;
  if (!std::getline(in, row) || row.empty()) return std::nullopt;
  // The row must name its own index: guards against a file copied from elsewhere.
  if (row.rfind(std::to_string(index) + ",", 0) != 0) return std::nullopt;
  return row;
}

void PointStore::put(std::int64_t index, const std::string& row) const { write_file_atomically(path(index), row + "\n"); }

}  // namespace spiceloop::study
