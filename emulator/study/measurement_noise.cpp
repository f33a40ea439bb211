#include "emulator/study/measurement_noise.hpp"

namespace spiceloop::study {

void add_measurement_noise(const Network& net, State& s, double sigma_volts, Rng& rng) {
  if (sigma_volts <= 0.0) return;
  for (std::size_t n = 1; n < s.node_volts.size(); ++n) s.node_volts[n] += sigma_volts * rng.gaussian_unpaired();
  for (std::size_t j = 0; j < net.edges.size(); ++j)
    s.edge_volts[j] = s.node_volts[net.edges[j].a] - s.node_volts[net.edges[j].b];
}

}  // namespace spiceloop::study
