#include "emulator/learning/rules/update.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace spiceloop {

const char* update_mode_name(UpdateMode m) {
  switch (m) {
    case UpdateMode::Continuous: return "continuous";
    case UpdateMode::Quantised: return "quantised";
    case UpdateMode::Sign: return "sign";
  }
  return "?";
}

const char* rounding_name(Rounding r) { return r == Rounding::Nearest ? "nearest" : "stochastic"; }

const char* parameter_name(Parameter p) {
  switch (p) {
    case Parameter::Conductance: return "conductance";
    case Parameter::Resistance: return "resistance";
    case Parameter::LogConductance: return "log_conductance";
    case Parameter::GateVoltage: return "gate_voltage";
  }
  return "?";
}

double lower_bound_siemens(const Edge& e) { return std::max(e.min_siemens, 0.0); }

double upper_bound_siemens(const Edge& e) {
  return e.max_siemens > 0.0 ? e.max_siemens : std::numeric_limits<double>::infinity();
}

double step_in_parameter(Parameter p, double k, double alpha_g) {
  switch (p) {
    case Parameter::Conductance: return k + alpha_g;
    case Parameter::Resistance: {
      // dR = -alpha k^2 g. A step through R = 0 means "as conductive as allowed": +inf, clipped later.
      const double r = 1.0 / k - alpha_g * k * k;
      return r > 0.0 ? 1.0 / r : std::numeric_limits<double>::infinity();
    }
    case Parameter::LogConductance: return std::exp(std::log(k) + alpha_g * k);
    case Parameter::GateVoltage: return k + alpha_g;
  }
  return k;
}

Updater::Updater(const UpdateSpec& spec, const Network& net, std::uint64_t seed) : spec_(spec) {
  Rng rng = Rng::stream(seed, RandomStream::Rates);
  Rng device_rng = Rng::stream(seed, RandomStream::Devices);
  rates_.assign(net.edges.size(), 1.0);
  bounds_.resize(net.edges.size());
  devices_.resize(net.edges.size());
  for (std::size_t j = 0; j < net.edges.size(); ++j) {
    const Edge& e = net.edges[j];
    if (e.kind == ElementKind::Memristor)
      devices_[j] = draw_memristor(e.memristor, e.min_siemens, e.max_siemens, device_rng);
    // Draw for every edge, trainable or not, so that a rate does not depend on other edges' flags.
    const double u = rng.uniform01();
    if (!e.trainable || !e.has_value()) continue;
    if (spec.rate_spread > 0.0) rates_[j] = 1.0 + spec.rate_spread * (2.0 * u - 1.0);
    Bounds& b = bounds_[j];
    if (e.kind == ElementKind::Transistor) {
      b.lo_gate_volts = e.min_gate_volts;
      b.hi_gate_volts = e.max_gate_volts;
      continue;
    }
    b.lo_siemens = lower_bound_siemens(e);
    b.hi_siemens = upper_bound_siemens(e);
    if (e.kind == ElementKind::Memristor) {
      b.lo_siemens = devices_[j].min_siemens;
      b.hi_siemens = devices_[j].max_siemens;
      continue;
    }
    if (e.kind == ElementKind::Digipot) {
      // Codes run 0..taps-1 with conductance falling as the code rises.
      const double slack = 1e-12;
      b.lo_code = e.taps - 1;
      b.hi_code = 0;
      for (int c = 0; c < e.taps; ++c) {
        const double g = digipot_siemens(e, c);
        if (g <= b.hi_siemens * (1 + slack) && g >= b.lo_siemens * (1 - slack)) {
          b.lo_code = std::min(b.lo_code, c);
          b.hi_code = std::max(b.hi_code, c);
        }
      }
      if (b.lo_code > b.hi_code) b.lo_code = b.hi_code = e.code;  // bounds hold no tap: stay put
    }
  }
}

void Updater::place_devices(Network& net) const {
  for (std::size_t j = 0; j < net.edges.size(); ++j) {
    Edge& e = net.edges[j];
    if (!e.trainable || e.kind != ElementKind::Memristor) continue;
    e.siemens = placed_siemens(devices_[j], e.siemens);
    e.programmed_siemens = e.siemens;
    e.seconds_since_programmed = 0.0;
  }
}

namespace {

// The pulses one step sends: the sign rule's one, or alpha_j g_j in units of the nominal step.
int pulse_count(const UpdateSpec& spec, const Edge& e, double alpha_rate, double g) {
  if (spec.mode == UpdateMode::Sign) return std::abs(g) > spec.sign_deadband ? (g > 0.0 ? 1 : -1) : 0;
  const double n = std::clamp(alpha_rate * g / e.memristor.step_siemens, -double(spec.max_pulses),
                              double(spec.max_pulses));
  return static_cast<int>(std::lround(n));
}

// Ages every trainable memristor that was not programmed this step; programmed ones restart.
void age_memristors(Network& net, const std::vector<MemristorDevice>& devices, const std::vector<char>& programmed,
                    std::vector<double>& dk, const std::vector<double>& before) {
  for (std::size_t j = 0; j < net.edges.size(); ++j) {
    Edge& e = net.edges[j];
    if (!e.trainable || e.kind != ElementKind::Memristor) continue;
    const MemristorDevice& d = devices[j];
    if (programmed[j]) {
      e.programmed_siemens = e.siemens;
      e.seconds_since_programmed = 0.0;
    } else if (d.stuck == Stuck::None) {
      e.seconds_since_programmed += e.memristor.seconds_per_update;
      if (d.drift_nu > 0.0)
        e.siemens = std::max(d.min_siemens, e.programmed_siemens * drift_factor(d.drift_nu, e.memristor.drift_t0_seconds,
                                                                                e.seconds_since_programmed));
    }
    dk[j] = e.siemens - before[j];
  }
}

}  // namespace

std::vector<double> Updater::apply(Network& net, std::span<const double> signal, double alpha,
                                   Rng& rng) const {
  assert(signal.size() == net.edges.size());
  std::vector<double> dk(net.edges.size(), 0.0);
  std::vector<char> programmed;
  std::vector<double> before;
  const bool memristors = std::any_of(net.edges.begin(), net.edges.end(),
                                      [](const Edge& e) { return e.trainable && e.kind == ElementKind::Memristor; });
  if (memristors) {
    programmed.assign(net.edges.size(), 0);
    before = net.conductances();
  }
  for (std::size_t j = 0; j < net.edges.size(); ++j) {
    Edge& e = net.edges[j];
    if (!e.trainable || !e.has_value()) continue;
    if (spec_.desync_fraction < 1.0 && !(rng.uniform01() < spec_.desync_fraction)) continue;
    const Bounds& b = bounds_[j];
    const double k = e.siemens;
    const double g = signal[j];

    if (e.kind == ElementKind::Memristor) {
      const int pulses = pulse_count(spec_, e, alpha * rates_[j], g);
      if (pulses == 0) continue;
      e.siemens = apply_pulses(devices_[j], e.memristor, k, pulses, rng);
      programmed[j] = devices_[j].stuck == Stuck::None;
      continue;
    }

    if (e.kind == ElementKind::Transistor) {
      const double v = e.gate_volts;
      double step = 0.0;
      if (spec_.mode == UpdateMode::Sign) {
        if (std::abs(g) > spec_.sign_deadband) step = g > 0.0 ? alpha * rates_[j] : -alpha * rates_[j];
      } else {
        assert(spec_.mode == UpdateMode::Continuous);
        step = alpha * rates_[j] * g;
      }
      e.gate_volts = std::clamp(v + step, b.lo_gate_volts, b.hi_gate_volts);
      dk[j] = e.gate_volts - v;
      continue;
    }

    if (e.kind == ElementKind::Resistor) {
      assert(spec_.mode == UpdateMode::Continuous);
      const double k_new = std::clamp(step_in_parameter(spec_.parameter, k, alpha * rates_[j] * g),
                                      b.lo_siemens, b.hi_siemens);
      e.siemens = k_new;
      dk[j] = k_new - k;
      continue;
    }

    int code = e.code;
    if (spec_.mode == UpdateMode::Sign) {
      if (std::abs(g) > spec_.sign_deadband) code += g > 0.0 ? -1 : 1;  // lower code = more conductance
    } else {
      const double target = step_in_parameter(spec_.parameter, k, alpha * rates_[j] * g);
      const double ohms = target > 0.0 ? 1.0 / target : std::numeric_limits<double>::infinity();
      const double x = std::clamp((ohms - e.r_wiper_ohms) * e.taps / e.r_ab_ohms, -1.0,
                                  static_cast<double>(e.taps));
      if (spec_.mode == UpdateMode::Quantised && spec_.rounding == Rounding::Stochastic) {
        const double lower = std::floor(x);
        code = static_cast<int>(lower) + (rng.uniform01() < x - lower ? 1 : 0);
      } else {
        code = static_cast<int>(std::lround(x));
      }
    }
    e.code = std::clamp(code, b.lo_code, b.hi_code);
    e.siemens = digipot_siemens(e, e.code);
    dk[j] = e.siemens - k;
  }
  if (memristors) age_memristors(net, devices_, programmed, dk, before);
  return dk;
}

bool Updater::within_bounds(std::size_t j, const Edge& e, double siemens, int code) const {
  const Bounds& b = bounds_[j];
  if (e.kind == ElementKind::Digipot) return code >= b.lo_code && code <= b.hi_code;
  return siemens >= b.lo_siemens && siemens <= b.hi_siemens;
}

}  // namespace spiceloop
