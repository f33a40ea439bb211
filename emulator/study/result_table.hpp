// results.csv read back as a table of named columns, for the fits and the tests. The format is
// ours (result_row.hpp): no quoting, no embedded commas (network labels are identifiers).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace spiceloop::study {

class ResultTable {
 public:
  static ResultTable parse(const std::string& text);  // throws InputError "sweep.results" on a ragged row
  static ResultTable load(const std::filesystem::path& csv);

  std::size_t size() const { return rows_.size(); }
  const std::string& text(std::size_t row, const std::string& column) const;
  double number(std::size_t row, const std::string& column) const;  // NaN for an empty cell

 private:
  std::map<std::string, std::size_t> index_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace spiceloop::study
