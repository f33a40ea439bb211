#include "emulator/bench/smu.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace spiceloop {

void check_smu_source(const SmuSource& s) {
  if (!(s.max_volts > 0 && s.max_volts <= network_limits::kMaxAbsVolts))
    throw std::invalid_argument(fmt::format("smu: a range of {} V is not within (0, {}] V", s.max_volts,
                                            network_limits::kMaxAbsVolts));
  if (!(std::abs(s.volts) <= s.max_volts))
    throw std::invalid_argument(fmt::format("smu: {} V is not a level within +/-{} V", s.volts, s.max_volts));
  if (!std::isfinite(s.amps)) throw std::invalid_argument(fmt::format("smu: {} A is not a current level", s.amps));
  if (!(s.compliance_amps >= 0) || !(s.compliance_volts >= 0))
    throw std::invalid_argument("smu: a compliance is a magnitude (>= 0)");
}

RegulatedOutput as_regulated_output(const SmuSource& s, std::size_t input) {
  RegulatedOutput o;
  o.input = input;
  o.holds_at_window = true;
  o.name = "SMU";
  if (s.function == SmuSource::Function::Volts) {
    o.setpoint_volts = s.volts;
    o.min_amps = -s.compliance_amps;
    o.max_amps = s.compliance_amps;
    o.min_volts = -s.max_volts;
    o.max_volts = s.max_volts;
  } else {
    // A current source: the window is one point; 0 V only starts the search.
    const double limit = std::min(s.compliance_volts, s.max_volts);
    o.min_amps = o.max_amps = s.amps;
    o.min_volts = -limit;
    o.max_volts = limit;
  }
  return o;
}

bool smu_tripped(const SmuSource& s, Regulation mode) {
  const bool held = mode == Regulation::HeldLow || mode == Regulation::HeldHigh;
  return s.function == SmuSource::Function::Volts ? mode != Regulation::CV : held;
}

}  // namespace spiceloop
