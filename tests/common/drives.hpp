// One solve's drive per phase, as tests write them (emulator/sim/simulator.hpp says what each
// field holds). Empty input_volts means the network's own input values.
#pragma once

#include <utility>
#include <vector>

#include "emulator/sim/simulator.hpp"

namespace spiceloop::test {

inline Drive free_drive(std::vector<double> input_volts = {}) {
  Drive d;
  d.phase = Phase::Free;
  d.input_volts = std::move(input_volts);
  return d;
}

inline Drive clamped_drive(std::vector<double> clamp_volts) {
  Drive d;
  d.phase = Phase::Clamped;
  d.clamp_volts = std::move(clamp_volts);
  return d;
}

inline Drive nudged_drive(std::vector<double> nudge_amps) {
  Drive d;
  d.phase = Phase::Nudged;
  d.nudge_amps = std::move(nudge_amps);
  return d;
}

inline Drive twin_drive(double eta, std::vector<double> targets) {
  Drive d;
  d.phase = Phase::Twin;
  d.twin_eta = eta;
  d.twin_targets = std::move(targets);
  return d;
}

}  // namespace spiceloop::test
