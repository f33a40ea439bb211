// Constant-voltage / constant-current regulation of the outputs that source into network inputs:
// one mechanism for the N6700 source channels with their current limits and for the 2400 SMU with
// its compliance (smu.hpp). The simulators hold inputs at voltages, so the regulator finds the
// input voltages at which every output obeys its limits.
//
// An output drives one network input. It has a voltage setpoint, a current window
// [min_amps, max_amps] and a voltage window [min_volts, max_volts] it cannot leave. With I(V) the
// current it delivers into its node (rising with V in a passive network), it ends in one of:
//   CV        V = setpoint, min_amps <= I <= max_amps
//   CCHigh    I = max_amps, V below the setpoint (a load drawing more than the limit)
//   CCLow     I = min_amps, V above the setpoint (a negative current beyond the limit)
//   HeldLow   V = min_volts, and even there I > max_amps
//   HeldHigh  V = max_volts, and even there I < min_amps
// A supply channel is setpoint V, window [-limit, +limit]; a current source is the window [I, I]
// (its setpoint only starts the search). An output may end held only when holds_at_window says
// so (an SMU's voltage compliance); for any other, no CC voltage within the window is an error.
//
// Method: solve at the setpoints; move each output whose current leaves its window into CC; Newton
// on the CC voltages with a finite-difference Jacobian (Eigen's LU), each voltage kept on its side
// of the setpoint and inside the window; an output the step takes to its setpoint returns to CV,
// one taken to its window edge is held. Exact after one step for resistor networks, a few for
// diodes. Units: volts, amperes. Threading: none (the caller's solve function runs every solve).
#pragma once

#include <cstddef>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "emulator/network/validate.hpp"
#include "emulator/sim/simulator.hpp"
#include "emulator/sim/state.hpp"

namespace spiceloop {

enum class Regulation : signed char { CV, CCHigh, CCLow, HeldLow, HeldHigh };

struct RegulatedOutput {
  std::size_t input = 0;  // index into Network::inputs and Drive::input_volts
  double setpoint_volts = 0.0;  // within [min_volts, max_volts]
  double min_amps = -std::numeric_limits<double>::infinity();
  double max_amps = std::numeric_limits<double>::infinity();
  double min_volts = -network_limits::kMaxAbsVolts;
  double max_volts = network_limits::kMaxAbsVolts;
  bool holds_at_window = false;  // may end HeldLow / HeldHigh (else SimulationError)
  std::string name;              // in errors: "source channel 2", "SMU"

  // True when the window can make the output leave CV (a finite limit).
  bool limited() const { return min_amps > -std::numeric_limits<double>::infinity() ||
                                max_amps < std::numeric_limits<double>::infinity(); }
};

struct Regulated {
  Drive drive;                    // the regulated outputs' inputs at their regulated voltages
  State state;                    // the solve of drive
  std::vector<Regulation> modes;  // one per output
};

// Regulates the outputs on `drive` (whose other inputs and phase stay as given). solve() runs every
// solve, the probes included. Throws SimulationError "bench.compliance_not_converged" when the CC
// voltages do not converge, or an output that may not be held has no CC voltage in its window.
Regulated regulate(Drive drive, std::span<const RegulatedOutput> outputs,
                   const std::function<State(const Drive&)>& solve);

}  // namespace spiceloop
