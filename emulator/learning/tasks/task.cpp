#include "emulator/learning/tasks/task.hpp"

#include <algorithm>

#include "emulator/core/error.hpp"

namespace spiceloop {

const char* task_name(TaskKind k) {
  switch (k) {
    case TaskKind::Allostery: return "allostery";
    case TaskKind::Regression: return "regression";
    case TaskKind::Iris: return "iris";
    case TaskKind::Xor: return "xor";
    case TaskKind::Curve: return "curve";
  }
  return "?";
}

int TaskSpec::train_size() const {
  switch (kind) {
    case TaskKind::Allostery: return 1;
    case TaskKind::Regression:
    case TaskKind::Iris: return train_samples;
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
  }
  return {};
}

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
