// The SMU's sourcing, as a Keithley 2400 does it: a voltage source whose current compliance is a
// supply's current limit, or a current source whose voltage compliance is the edge of the voltage
// range it may reach. Both regulate on the regulator the source channels use (regulator.hpp); the
// Bench runs it at every solve, so the SMU follows any instrument's change at once.
// Units: volts, amperes. Compliances are magnitudes (>= 0, +inf for none).
#pragma once

#include <cstddef>
#include <limits>

#include "emulator/bench/regulator.hpp"
#include "emulator/network/validate.hpp"

namespace spiceloop {

struct SmuSource {
  enum class Function { Volts, Amps };
  Function function = Function::Volts;
  double volts = 0.0;  // the level when sourcing volts
  double amps = 0.0;   // the level when sourcing amps
  double compliance_amps = std::numeric_limits<double>::infinity();   // |I| limit sourcing volts
  double compliance_volts = std::numeric_limits<double>::infinity();  // |V| limit sourcing amps
  double max_volts = network_limits::kMaxAbsVolts;  // the instrument's own range, <= kMaxAbsVolts

  bool operator==(const SmuSource&) const = default;
};

// Throws std::invalid_argument for a level outside +/-max_volts (volts) or not finite (amps), a
// compliance that is negative or NaN, or max_volts outside (0, kMaxAbsVolts].
void check_smu_source(const SmuSource& source);

// The SMU on network input `input` as a regulated output (it may end held at its voltage range).
RegulatedOutput as_regulated_output(const SmuSource& source, std::size_t input);

// True when a compliance holds the output: the current limit sourcing volts (CC, or held at the
// voltage range), the voltage limit sourcing amps (held).
bool smu_tripped(const SmuSource& source, Regulation mode);

}  // namespace spiceloop
