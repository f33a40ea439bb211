// Linear regression with two inputs (Dillavou et al. 2022): the first two network inputs take
// random voltages, every output's target is a fixed linear function of them.
#include "emulator/core/error.hpp"
#include "emulator/core/random.hpp"
#include "emulator/learning/tasks/task.hpp"

namespace spiceloop::tasks {

Dataset regression(const TaskSpec& spec, const Network& net, std::uint64_t seed) {
  const std::size_t outputs = net.outputs.size();
  if (net.inputs.size() < 2)
    throw InputError("task.network", "/task/kind", "regression needs a network with at least two inputs");
  Rng data = Rng::stream(seed, RandomStream::Data);
  std::vector<std::vector<double>> coef = spec.coefficients;
  std::vector<double> offset = spec.offset_volts;
  if (coef.empty())
    for (std::size_t o = 0; o < outputs; ++o) coef.push_back({data.uniform(0.1, 0.4), data.uniform(0.1, 0.4)});
  if (offset.empty()) offset.assign(outputs, 0.0);
  if (coef.size() != outputs)
    throw InputError("task.coefficients", "/task/coefficients", "give one [a, b] pair per network output");
  if (offset.size() != outputs)
    throw InputError("task.offset", "/task/offset_volts", "give one offset per network output");

  std::vector<Sample> all;
  for (int i = 0; i < spec.samples; ++i) {
    Sample s;
    s.input_volts = default_input_volts(net);
    s.input_volts[0] = data.uniform(spec.input_lo_volts, spec.input_hi_volts);
    s.input_volts[1] = data.uniform(spec.input_lo_volts, spec.input_hi_volts);
    for (std::size_t o = 0; o < outputs; ++o)
      s.targets.push_back(coef[o][0] * s.input_volts[0] + coef[o][1] * s.input_volts[1] + offset[o]);
    all.push_back(std::move(s));
  }
  std::vector<int> order(all.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  Rng split = Rng::stream(seed, RandomStream::Split);
  split.shuffle(order);
  Dataset d;
  for (std::size_t i = 0; i < order.size(); ++i)
    (static_cast<int>(i) < spec.train_samples ? d.train : d.test).push_back(all[order[i]]);
  return d;
}

}  // namespace spiceloop::tasks
