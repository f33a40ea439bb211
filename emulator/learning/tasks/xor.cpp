// XOR: the four truth-table rows, read out by a threshold halfway between the two targets.
// A network of monotone two-terminal elements (resistors, diodes) has node voltages monotone in
// every source, so XOR of two plain inputs is out of its reach; the complementary encoding
// (x1, 1-x1, x2, 1-x2) on four inputs makes it reachable with diode AND/OR paths.
#include "emulator/core/error.hpp"
#include "emulator/learning/tasks/task.hpp"

namespace spiceloop::tasks {

Dataset xor_gate(const TaskSpec& spec, const Network& net) {
  const std::size_t driven = spec.complementary ? 4 : 2;
  if (net.inputs.size() < driven)
    throw InputError("task.network", "/task/kind",
                     "xor needs a network with at least " + std::to_string(driven) + " inputs");
  if (net.outputs.size() != 1)
    throw InputError("task.network", "/task/kind", "xor needs a network with exactly one output");
  if (net.is_linear())
    throw InputError("task.network", "/task/kind", "xor needs a network with diode edges: a linear one cannot learn it");
  Dataset d;
  d.readout = Readout::Threshold;
  d.threshold_volts = 0.5 * (spec.target_low_volts + spec.target_high_volts);
  const double lo = spec.input_lo_volts, hi = spec.input_hi_volts;
  for (int x1 = 0; x1 < 2; ++x1)
    for (int x2 = 0; x2 < 2; ++x2) {
      Sample s;
      s.input_volts = default_input_volts(net);
      if (spec.complementary) {
        s.input_volts[0] = x1 ? hi : lo;
        s.input_volts[1] = x1 ? lo : hi;
        s.input_volts[2] = x2 ? hi : lo;
        s.input_volts[3] = x2 ? lo : hi;
      } else {
        s.input_volts[0] = x1 ? hi : lo;
        s.input_volts[1] = x2 ? hi : lo;
      }
      s.label = x1 ^ x2;
      s.targets = {s.label ? spec.target_high_volts : spec.target_low_volts};
      d.train.push_back(s);
    }
  d.test = d.train;
  return d;
}

}  // namespace spiceloop::tasks
