#include "emulator/study/measurement_noise.hpp"

#include <cmath>
#include <numbers>

namespace spiceloop::study {

double gaussian(Rng& rng) {
  const double u1 = 1.0 - rng.uniform01();  // (0, 1]: log stays finite
  const double u2 = rng.uniform01();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

void add_measurement_noise(const Network& net, State& s, double sigma_volts, Rng& rng) {
  if (sigma_volts <= 0.0) return;
  for (std::size_t n = 1; n < s.node_volts.size(); ++n) s.node_volts[n] += sigma_volts * gaussian(rng);
  for (std::size_t j = 0; j < net.edges.size(); ++j)
    s.edge_volts[j] = s.node_volts[net.edges[j].a] - s.node_volts[net.edges[j].b];
}

}  // namespace spiceloop::study
