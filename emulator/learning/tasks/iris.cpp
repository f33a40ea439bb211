// Iris (Fisher 1936; netlists/iris.csv and iris.md): four features scaled min-max onto the input
// range and applied to the first four network inputs; with the complementary encoding each
// feature's mirror image (hi - (v - lo)) goes to inputs 4-7 as well, because a resistor network's
// outputs are convex combinations of its inputs and can weigh a feature only positively. Read out either as the highest of three
// outputs (one-hot targets) or as the class whose target vector is nearest to the outputs.
// The split is stratified (split_stratified): with equal classes, train_samples spread as evenly as possible.
#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>

#include <fmt/format.h>

#include "emulator/core/error.hpp"
#include "emulator/core/numbers.hpp"
#include "emulator/learning/tasks/task.hpp"

namespace spiceloop::tasks {

namespace {
constexpr std::array<const char*, 3> kSpecies = {"setosa", "versicolor", "virginica"};
}  // namespace

std::vector<IrisRow> read_iris_csv(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError("task.data", path.string(), "cannot open the Iris data file");
  std::vector<IrisRow> rows;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line_no == 1 || line.empty() || line == "\r") continue;  // header
    const auto cells = split_csv_line(line);
    const std::string where = path.string() + ":" + std::to_string(line_no);
    if (cells.size() != 5) throw InputError("task.data", where, "expected 4 numbers and a species name");
    IrisRow r{};
    for (int f = 0; f < 4; ++f)
      if (!parse_double(cells[f], r.features[f]) || !std::isfinite(r.features[f]))  // from_chars takes nan, inf
        throw InputError("task.data", where, "'" + cells[f] + "' is not a finite number");
    auto it = std::find(kSpecies.begin(), kSpecies.end(), cells[4]);
    if (it == kSpecies.end()) throw InputError("task.data", where, "unknown species '" + cells[4] + "'");
    r.label = static_cast<int>(it - kSpecies.begin());
    rows.push_back(r);
  }
  if (rows.empty()) throw InputError("task.data", path.string(), "the Iris data file has no rows");
  return rows;
}

Dataset iris(const TaskSpec& spec, const Network& net, std::uint64_t seed) {
  const std::size_t driven = spec.complementary ? 8 : 4;
  if (net.inputs.size() < driven)
    throw InputError("task.network", spec.complementary ? "/task/encoding" : "/task/kind",
                     fmt::format("iris{} needs a network with at least {} inputs, this one has {}",
                                 spec.complementary ? " with the complementary encoding" : "", driven,
                                 net.inputs.size()));
  const bool nearest = !spec.class_targets_volts.empty();
  if (!nearest && net.outputs.size() != 3)
    throw InputError("task.network", "/task/kind",
                     "iris with the argmax readout needs a network with exactly three outputs");
  if (nearest) {
    if (spec.class_targets_volts.size() != 3)
      throw InputError("task.targets", "/task/class_targets_volts", "give one target vector per class (3)");
    for (const auto& t : spec.class_targets_volts)
      if (t.size() != net.outputs.size())
        throw InputError("task.targets", "/task/class_targets_volts",
                         "each class target vector needs one entry per network output (" +
                             std::to_string(net.outputs.size()) + ")");
  }
  require_data_file(spec);
  const auto rows = read_iris_csv(spec.data_path);
  if (spec.train_samples >= static_cast<int>(rows.size()))
    throw InputError("config.train_samples", "/task/train_samples",
                     "train_samples must leave test rows: the data set has " + std::to_string(rows.size()));

  double lo[4], hi[4];
  for (int f = 0; f < 4; ++f) {
    lo[f] = hi[f] = rows[0].features[f];
    for (const auto& r : rows) lo[f] = std::min(lo[f], r.features[f]), hi[f] = std::max(hi[f], r.features[f]);
  }
  std::vector<Sample> all;
  for (const auto& r : rows) {
    Sample s;
    s.input_volts = default_input_volts(net);
    for (int f = 0; f < 4; ++f)
      set_feature(spec, s.input_volts, static_cast<std::size_t>(f), 4,
                  hi[f] > lo[f] ? (r.features[f] - lo[f]) / (hi[f] - lo[f]) : 0.0);
    s.label = r.label;
    if (nearest) {
      s.targets = spec.class_targets_volts[r.label];
    } else {
      s.targets.assign(3, spec.target_low_volts);
      s.targets[r.label] = spec.target_high_volts;
    }
    all.push_back(std::move(s));
  }

  Dataset d;
  d.readout = nearest ? Readout::Nearest : Readout::Argmax;
  d.class_targets = spec.class_targets_volts;
  split_stratified(all, 3, spec.train_samples, seed, d);
  return d;
}

}  // namespace spiceloop::tasks
