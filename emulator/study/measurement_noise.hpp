// Measurement noise: seeded Gaussian noise on every measured node voltage (the ground stays 0 V),
// as an ADC would add; edge drops are recomputed from the noisy nodes, currents are left alone
// (the rules read voltages only). Rng::gaussian_unpaired, so the same seed gives the same noise anywhere.
#pragma once

#include "emulator/core/random.hpp"
#include "emulator/network/network.hpp"
#include "emulator/sim/state.hpp"

namespace spiceloop::study {

void add_measurement_noise(const Network& net, State& s, double sigma_volts, Rng& rng);

}  // namespace spiceloop::study
