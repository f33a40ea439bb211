// Allostery: hold the inputs at the network's own voltages and drive every output to a target,
// drawn from the seed unless given. One sample, used for both training and test.
#include <algorithm>

#include "emulator/core/error.hpp"
#include "emulator/core/random.hpp"
#include "emulator/learning/tasks/task.hpp"

namespace spiceloop::tasks {

Dataset allostery(const TaskSpec& spec, const Network& net, std::uint64_t seed) {
  Sample s;
  s.input_volts = default_input_volts(net);
  if (!spec.targets_volts.empty()) {
    if (spec.targets_volts.size() != net.outputs.size())
      throw InputError("task.targets", "/task/targets_volts",
                       "give one target per network output (" + std::to_string(net.outputs.size()) + ")");
    s.targets = spec.targets_volts;
  } else {
    // Reachable targets lie between the lowest and highest held voltage (ground included).
    double lo = 0.0, hi = 0.0;
    for (double v : s.input_volts) lo = std::min(lo, v), hi = std::max(hi, v);
    std::pair<double, double> range{lo + 0.2 * (hi - lo), lo + 0.8 * (hi - lo)};
    if (spec.target_range_volts) range = *spec.target_range_volts;
    Rng rng = Rng::stream(seed, RandomStream::Data);
    for (std::size_t o = 0; o < net.outputs.size(); ++o) s.targets.push_back(rng.uniform(range.first, range.second));
  }
  Dataset d;
  d.train = {s};
  d.test = {s};
  return d;
}

}  // namespace spiceloop::tasks
