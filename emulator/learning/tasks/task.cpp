#include "emulator/learning/tasks/task.hpp"

#include <algorithm>
#include <numeric>

#include "emulator/core/error.hpp"
#include "emulator/core/random.hpp"
#include "emulator/core/suggest.hpp"

namespace spiceloop {

const char* task_name(TaskKind k) {
  switch (k) {
    case TaskKind::Allostery: return "allostery";
    case TaskKind::Regression: return "regression";
    case TaskKind::Iris: return "iris";
    case TaskKind::Xor: return "xor";
    case TaskKind::Curve: return "curve";
    case TaskKind::Digits: return "digits";
  }
  return "?";
}

int TaskSpec::train_size() const {
  switch (kind) {
    case TaskKind::Allostery: return 1;
    case TaskKind::Regression:
    case TaskKind::Iris:
    case TaskKind::Digits: return train_samples;
    case TaskKind::Xor: return 4;
    case TaskKind::Curve: return samples;
  }
  return 0;
}

std::vector<double> default_input_volts(const Network& net) {
  std::vector<double> v;
  for (const Input& in : net.inputs) v.push_back(in.volts);
  return v;
}

Dataset make_dataset(const TaskSpec& spec, const Network& net, std::uint64_t seed) {
  if (net.outputs.empty()) throw InputError("task.network", "/network", "the network has no outputs to train");
  switch (spec.kind) {
    case TaskKind::Allostery: return tasks::allostery(spec, net, seed);
    case TaskKind::Regression: return tasks::regression(spec, net, seed);
    case TaskKind::Iris: return tasks::iris(spec, net, seed);
    case TaskKind::Xor: return tasks::xor_gate(spec, net);
    case TaskKind::Curve: return tasks::curve(spec, net);
    case TaskKind::Digits: return tasks::digits(spec, net, seed);
  }
  return {};
}

namespace tasks {

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out(1);
  for (char ch : line) {
    if (ch == ',') out.emplace_back();
    else if (ch != '\r') out.back() += ch;
  }
  return out;
}

void require_data_file(const TaskSpec& spec) {
  std::error_code ec;
  if (!spec.data_where.empty() && !std::filesystem::is_regular_file(spec.data_path, ec))
    throw InputError("config.missing_file", spec.data_where,
                     missing_file_message(spec.data_path, spec.data_relative, "experiment"));
}

void set_feature(const TaskSpec& spec, std::vector<double>& input_volts, std::size_t i, std::size_t count, double u) {
  const double span = spec.input_hi_volts - spec.input_lo_volts;
  input_volts[i] = spec.input_lo_volts + u * span;
  if (spec.complementary) input_volts[count + i] = spec.input_hi_volts - u * span;
}

void split_stratified(const std::vector<Sample>& all, int classes, int train_samples, std::uint64_t seed, Dataset& d) {
  std::vector<std::vector<int>> members(static_cast<std::size_t>(classes));
  for (std::size_t i = 0; i < all.size(); ++i) members[static_cast<std::size_t>(all[i].label)].push_back(static_cast<int>(i));
  // Quotas: floor(train n_c / N), the rest one each by the largest remainder (ties: lower class).
  const auto n = static_cast<std::int64_t>(all.size());
  std::vector<int> take(members.size());
  std::vector<std::int64_t> remainder(members.size());
  int given = 0;
  for (std::size_t c = 0; c < members.size(); ++c) {
    const std::int64_t share = static_cast<std::int64_t>(train_samples) * static_cast<std::int64_t>(members[c].size());
    take[c] = static_cast<int>(share / n);
    remainder[c] = share % n;
    given += take[c];
  }
  std::vector<std::size_t> by_remainder(members.size());
  std::iota(by_remainder.begin(), by_remainder.end(), std::size_t{0});
  std::stable_sort(by_remainder.begin(), by_remainder.end(),
                   [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
  for (std::size_t k = 0; given < train_samples && k < by_remainder.size(); ++k, ++given) ++take[by_remainder[k]];

  Rng split = Rng::stream(seed, RandomStream::Split);
  std::vector<char> in_train(all.size(), 0);
  for (std::size_t c = 0; c < members.size(); ++c) {
    split.shuffle(members[c]);
    for (int i = 0; i < std::min<int>(take[c], static_cast<int>(members[c].size())); ++i) in_train[members[c][i]] = 1;
  }
  for (std::size_t i = 0; i < all.size(); ++i) (in_train[i] ? d.train : d.test).push_back(all[i]);
}

}  // namespace tasks

double sample_loss(const Network& net, std::span<const double> free_volts, const Sample& s) {
  double l = 0.0;
  for (std::size_t o = 0; o < net.outputs.size(); ++o) {
    const double r = s.targets[o] - free_volts[net.outputs[o]];
    l += r * r;
  }
  return 0.5 * l;
}

double sample_loss(const Network& net, const State& free, const Sample& s) { return sample_loss(net, free.node_volts, s); }

bool sample_correct(const Dataset& d, const Network& net, const State& free, const Sample& s) {
  return sample_correct(d, net, free.node_volts, s);
}

bool sample_correct(const Dataset& d, const Network& net, std::span<const double> free_volts, const Sample& s) {
  switch (d.readout) {
    case Readout::None: return false;
    case Readout::Argmax: {
      std::size_t best = 0;
      for (std::size_t o = 1; o < net.outputs.size(); ++o)
        if (free_volts[net.outputs[o]] > free_volts[net.outputs[best]]) best = o;
      return static_cast<int>(best) == s.label;
    }
    case Readout::Nearest: {
      int best = -1;
      double best_d = 0.0;
      for (std::size_t c = 0; c < d.class_targets.size(); ++c) {
        double dist = 0.0;
        for (std::size_t o = 0; o < net.outputs.size(); ++o) {
          const double x = free_volts[net.outputs[o]] - d.class_targets[c][o];
          dist += x * x;
        }
        if (best < 0 || dist < best_d) best = static_cast<int>(c), best_d = dist;
      }
      return best == s.label;
    }
    case Readout::Threshold:
      return (free_volts[net.outputs[0]] > d.threshold_volts ? 1 : 0) == s.label;
  }
  return false;
}

}  // namespace spiceloop
