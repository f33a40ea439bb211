// Handwritten digits (UCI optdigits test set, scikit-learn's load_digits; netlists/digits.csv and
// digits.md): 8 x 8 images of pixel counts 0..16, ten classes. Each pixel count / 16 goes onto the
// input range at inputs 0-63 (row by row); with the complementary encoding (the default) its mirror
// image goes to inputs 64-127 as well, so that a network of positive conductances can weigh a
// pixel negatively (the pair's difference is a signed weight). Ten outputs with one-hot targets,
// read out by the highest (Readout::Argmax). The split is stratified by class (split_stratified).
#include <charconv>
#include <optional>
#include <fstream>

#include <fmt/format.h>

#include "emulator/core/error.hpp"
#include "emulator/learning/tasks/task.hpp"

namespace spiceloop::tasks {

namespace {
constexpr std::size_t kPixels = 64;
constexpr int kClasses = 10;
constexpr int kMaxCount = 16;  // each pixel counts the set bits of a 4 x 4 block

// The whole cell as an integer in [0, hi], or nullopt.
std::optional<int> small_int(const std::string& cell, int hi) {
  int v = 0;
  const char* end = cell.data() + cell.size();
  const auto [ptr, ec] = std::from_chars(cell.data(), end, v);
  if (cell.empty() || ec != std::errc() || ptr != end || v < 0 || v > hi) return std::nullopt;
  return v;
}
}  // namespace

std::vector<DigitsRow> read_digits_csv(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError("task.data", path.string(), "cannot open the digits data file");
  std::vector<DigitsRow> rows;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r") continue;
    const auto cells = split_csv_line(line);
    const std::string where = path.string() + ":" + std::to_string(line_no);
    if (cells.size() != kPixels + 1)
      throw InputError("task.data", where,
                       fmt::format("expected 64 pixel counts and a class, 65 comma-separated integers; this line has {}",
                                   cells.size()));
    DigitsRow r{};
    for (std::size_t p = 0; p < kPixels; ++p) {
      const auto v = small_int(cells[p], kMaxCount);
      if (!v)
        throw InputError("task.data", where,
                         fmt::format("pixel {} is '{}': expected an integer count from 0 to 16", p + 1, cells[p]));
      r.pixels[p] = static_cast<std::uint8_t>(*v);
    }
    const auto label = small_int(cells[kPixels], kClasses - 1);
    if (!label)
      throw InputError("task.data", where, fmt::format("the class is '{}': expected a digit from 0 to 9", cells[kPixels]));
    r.label = *label;
    rows.push_back(r);
  }
  if (rows.empty()) throw InputError("task.data", path.string(), "the digits data file has no rows");
  return rows;
}

Dataset digits(const TaskSpec& spec, const Network& net, std::uint64_t seed) {
  const std::size_t driven = spec.complementary ? 2 * kPixels : kPixels;
  if (net.inputs.size() < driven)
    throw InputError("task.network", spec.complementary ? "/task/encoding" : "/task/kind",
                     fmt::format("digits{} needs a network with at least {} inputs, this one has {}",
                                 spec.complementary ? " with the complementary encoding" : "", driven,
                                 net.inputs.size()));
  if (net.outputs.size() != kClasses)
    throw InputError("task.network", "/task/kind",
                     fmt::format("digits needs a network with exactly ten outputs (one per digit), this one has {}",
                                 net.outputs.size()));
  require_data_file(spec);
  const auto rows = read_digits_csv(spec.data_path);
  if (spec.train_samples >= static_cast<int>(rows.size()))
    throw InputError("config.train_samples", "/task/train_samples",
                     "train_samples must leave test rows: the data set has " + std::to_string(rows.size()));

  std::vector<Sample> all;
  all.reserve(rows.size());
  for (const auto& r : rows) {
    Sample s;
    s.input_volts = default_input_volts(net);
    for (std::size_t p = 0; p < kPixels; ++p) set_feature(spec, s.input_volts, p, kPixels, r.pixels[p] / double{kMaxCount});
    s.label = r.label;
    s.targets.assign(kClasses, spec.target_low_volts);
    s.targets[static_cast<std::size_t>(r.label)] = spec.target_high_volts;
    all.push_back(std::move(s));
  }
  Dataset d;
  d.readout = Readout::Argmax;
  split_stratified(all, kClasses, spec.train_samples, seed, d);
  return d;
}

}  // namespace spiceloop::tasks
