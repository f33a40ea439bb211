// Realism knobs of the emulated lab table (INSTRUMENTS.md "Realism knobs"). All off by default,
// so that every reading equals the exact solve; each is seeded (one SplitMixRng,
// emulator/core/random.hpp), so a run with knobs on is repeatable. The Bench applies the measurement knobs to every reading it hands a stand-in
// (never to truth()); the stand-ins and the server apply the timing knobs.
//
//   noise_volts / noise_amps     Gaussian sigma added to each voltage / current reading
//   lsb_volts / lsb_amps         ADC quantisation: readings round to a multiple of this step
//   offset_volts                 constant offset on voltage readings
//   drift_volts_per_second       offset growing linearly from the last reset / reseed
//   settling_seconds             time constant: a reading taken t after a change shows
//                                new + (old - new) exp(-t / tau) (first-order settling)
//   integration_latency          a scanner reading takes NPLC / line_hz seconds per channel
//   line_hz                      mains frequency for NPLC (50 or 60)
//   command_latency_seconds      every command of every instrument waits this long (server)
//   digipot_miss_probability     each tap of a step is missed by the wiper with this probability
//   digipot_double_probability   ... or taken twice
//   digipot_tolerance            relative sigma of each device's end-to-end resistance, drawn
//                                once per seed (R = R_AB (1 + tol z) code / N + R_wiper)
//   twin_mismatch                relative sigma of the clamped twin's conductances against the
//                                free twin's (learning_clock.hpp), drawn once per seed
#pragma once

#include <cstdint>

namespace spiceloop {

struct Realism {
  std::uint64_t seed = 1;
  double noise_volts = 0.0;
  double noise_amps = 0.0;
  double lsb_volts = 0.0;
  double lsb_amps = 0.0;
  double offset_volts = 0.0;
  double drift_volts_per_second = 0.0;
  double settling_seconds = 0.0;
  bool integration_latency = false;
  double line_hz = 50.0;
  double command_latency_seconds = 0.0;
  double digipot_miss_probability = 0.0;
  double digipot_double_probability = 0.0;
  double digipot_tolerance = 0.0;
  double twin_mismatch = 0.0;

  // True when any reading can differ from the exact solve.
  bool perturbs_readings() const {
    return noise_volts > 0 || noise_amps > 0 || lsb_volts > 0 || lsb_amps > 0 || offset_volts != 0 ||
           drift_volts_per_second != 0 || settling_seconds > 0;
  }
};

}  // namespace spiceloop
