// Iris (Fisher 1936; netlists/iris.csv and iris.md): four features scaled min-max onto the input
// range and applied to the first four network inputs; with the complementary encoding each
// feature's mirror image (hi - (v - lo)) goes to inputs 4-7 as well, because a resistor network's
// outputs are convex combinations of its inputs and can weigh a feature only positively. Read out either as the highest of three
// outputs (one-hot targets) or as the class whose target vector is nearest to the outputs.
// The split is stratified: train_samples are spread over the classes as evenly as possible.
#include <algorithm>
#include <array>
#include <fstream>

#include <fmt/format.h>

#include "emulator/core/error.hpp"
#include "emulator/core/numbers.hpp"
#include "emulator/core/random.hpp"
#include "emulator/core/suggest.hpp"
#include "emulator/learning/tasks/task.hpp"

namespace spiceloop::tasks {

namespace {
constexpr std::array<const char*, 3> kSpecies = {"setosa", "versicolor", "virginica"};

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out(1);
  for (char ch : line) {
    if (ch == ',') out.emplace_back();
    else if (ch != '\r') out.back() += ch;
  }
  return out;
}
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
    const auto cells = split_csv(line);
    const std::string where = path.string() + ":" + std::to_string(line_no);
    if (cells.size() != 5) throw InputError("task.data", where, "expected 4 numbers and a species name");
    IrisRow r{};
    for (int f = 0; f < 4; ++f)
      if (!parse_double(cells[f], r.features[f]))
        throw InputError("task.data", where, "'" + cells[f] + "' is not a number");
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
  std::error_code ec;
  if (!spec.data_where.empty() && !std::filesystem::is_regular_file(spec.data_path, ec))
    throw InputError("config.missing_file", spec.data_where,
                     missing_file_message(spec.data_path, spec.data_relative, "experiment"));
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
    for (int f = 0; f < 4; ++f) {
      const double u = hi[f] > lo[f] ? (r.features[f] - lo[f]) / (hi[f] - lo[f]) : 0.0;
      s.input_volts[f] = spec.input_lo_volts + u * (spec.input_hi_volts - spec.input_lo_volts);
      if (spec.complementary) s.input_volts[4 + f] = spec.input_hi_volts - u * (spec.input_hi_volts - spec.input_lo_volts);
    }
    s.label = r.label;
    if (nearest) {
      s.targets = spec.class_targets_volts[r.label];
    } else {
      s.targets.assign(3, spec.target_low_volts);
      s.targets[r.label] = spec.target_high_volts;
    }
    all.push_back(std::move(s));
  }

  Rng split = Rng::stream(seed, RandomStream::Split);
  Dataset d;
  d.readout = nearest ? Readout::Nearest : Readout::Argmax;
  d.class_targets = spec.class_targets_volts;
  std::vector<char> in_train(all.size(), 0);
  for (int c = 0; c < 3; ++c) {
    std::vector<int> members;
    for (std::size_t i = 0; i < all.size(); ++i)
      if (all[i].label == c) members.push_back(static_cast<int>(i));
    split.shuffle(members);
    const int take = std::min<int>(spec.train_samples / 3 + (c < spec.train_samples % 3 ? 1 : 0),
                                   static_cast<int>(members.size()));
    for (int i = 0; i < take; ++i) in_train[members[i]] = 1;
  }
  // Training order is shuffled per epoch by the trainer; keep the file order here.
  for (std::size_t i = 0; i < all.size(); ++i) (in_train[i] ? d.train : d.test).push_back(all[i]);
  return d;
}

}  // namespace spiceloop::tasks
