#include "emulator/dynamics/accuracy.hpp"

#include "emulator/solver/ideal_simulator.hpp"

namespace spiceloop {

std::optional<Accuracy> classification_accuracy(const Machine& m, const std::vector<double>& p) {
  if (m.data.readout == Readout::None || m.data.test.empty()) return std::nullopt;
  const Network net = network_at(m, p);
  IdealSimulator sim(m.config.tolerances);
  sim.load(net);
  auto fraction = [&](const std::vector<Sample>& samples) {
    int right = 0;
    for (const Sample& s : samples) {
      Drive d;
      d.input_volts = s.input_volts;
      right += sample_correct(m.data, net, sim.solve(d), s) ? 1 : 0;
    }
    return static_cast<double>(right) / static_cast<double>(samples.size());
  };
  return Accuracy{fraction(m.data.test), fraction(m.data.train)};
}

}  // namespace spiceloop
