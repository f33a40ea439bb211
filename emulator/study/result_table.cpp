#include "emulator/study/result_table.hpp"

#include <cmath>
#include <sstream>

#include "emulator/core/error.hpp"
#include "emulator/core/json_text.hpp"
#include "emulator/study/sweep_spec.hpp"

namespace spiceloop::study {

namespace {
std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}
}  // namespace

ResultTable ResultTable::parse(const std::string& text) {
  ResultTable t;
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line)) return t;
  const auto header = split(line);
  for (std::size_t i = 0; i < header.size(); ++i) t.index_[header[i]] = i;
  std::size_t n = 1;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    auto cells = split(line);
    if (cells.size() != header.size())
      throw InputError("sweep.results", "line " + std::to_string(n),
                       "expected " + std::to_string(header.size()) + " cells, found " + std::to_string(cells.size()));
    t.rows_.push_back(std::move(cells));
  }
  return t;
}

ResultTable ResultTable::load(const std::filesystem::path& csv) { return parse(read_text_file(csv.string(), kSweepFile)); }

const std::string& ResultTable::text(std::size_t row, const std::string& column) const {
  const auto it = index_.find(column);
  if (it == index_.end()) throw InputError("sweep.results", column, "no such column in results.csv");
  return rows_.at(row).at(it->second);
}

double ResultTable::number(std::size_t row, const std::string& column) const {
  const std::string& s = text(row, column);
  return s.empty() ? std::nan("") : std::stod(s);
}

}  // namespace spiceloop::study
