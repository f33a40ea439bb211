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
  const std::size_t m = net.edges.size();
  rates_.assign(m, 1.0);
  lo_siemens_.assign(m, 0.0);
  hi_siemens_.assign(m, 0.0);
  lo_code_.assign(m, 0);
  hi_code_.assign(m, 0);
  devices_.resize(m);
  plain_ = spec.mode == UpdateMode::Continuous && spec.parameter == Parameter::Conductance && spec.desync_fraction >= 1.0;
  for (std::size_t j = 0; j < m; ++j) {
    const Edge& e = net.edges[j];
    if (e.kind == ElementKind::Memristor)
      devices_[j] = draw_memristor(e.memristor, e.min_siemens, e.max_siemens, device_rng);
    memristors_ = memristors_ || (e.trainable && e.kind == ElementKind::Memristor);
    // Draw for every edge, trainable or not, so that a rate does not depend on other edges' flags.
    const double u = rng.uniform01();
    if (!e.trainable || !e.has_value()) continue;
    if (spec.rate_spread > 0.0) rates_[j] = 1.0 + spec.rate_spread * (2.0 * u - 1.0);
    if (e.kind == ElementKind::Transistor) {  // bounds in gate volts
      lo_siemens_[j] = e.min_gate_volts;
      hi_siemens_[j] = e.max_gate_volts;
      plain_ = false;
      continue;
    }
    if (e.kind == ElementKind::Memristor) {  // programmed by pulses, within its own device's bounds
      lo_siemens_[j] = devices_[j].min_siemens;
      hi_siemens_[j] = devices_[j].max_siemens;
      plain_ = false;
      continue;
    }
    lo_siemens_[j] = lower_bound_siemens(e);
    hi_siemens_[j] = upper_bound_siemens(e);
    if (e.kind == ElementKind::Digipot) {
      plain_ = false;
      // Codes run 0..taps-1 with conductance falling as the code rises.
      const double slack = 1e-12;
      int lo = e.taps - 1, hi = 0;
      for (int c = 0; c < e.taps; ++c) {
        const double g = digipot_siemens(e, c);
        if (g <= hi_siemens_[j] * (1 + slack) && g >= lo_siemens_[j] * (1 - slack)) {
          lo = std::min(lo, c);
          hi = std::max(hi, c);
        }
      }
      if (lo > hi) lo = hi = e.code;  // bounds hold no tap: stay put
      lo_code_[j] = lo;
      hi_code_[j] = hi;
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

}  // namespace

bool Updater::step_edge(const Edge& e, std::size_t j, double k, int code, double g, double alpha, Rng& rng,
                        double& k_new, int& code_new, int* pulses_sent) const {
  k_new = k;
  code_new = code;
  if (pulses_sent) *pulses_sent = 0;
  if (spec_.desync_fraction < 1.0 && !(rng.uniform01() < spec_.desync_fraction)) return false;

  if (e.kind == ElementKind::Memristor) {
    const int pulses = pulse_count(spec_, e, alpha * rates_[j], g);
    if (pulses == 0) return false;
    if (pulses_sent) *pulses_sent = pulses;
    k_new = apply_pulses(devices_[j], e.memristor, k, pulses, rng);
    return devices_[j].stuck == Stuck::None;
  }

  if (e.kind == ElementKind::Transistor) {  // k is the gate voltage
    double step = 0.0;
    if (spec_.mode == UpdateMode::Sign) {
      if (std::abs(g) > spec_.sign_deadband) step = g > 0.0 ? alpha * rates_[j] : -alpha * rates_[j];
    } else {
      assert(spec_.mode == UpdateMode::Continuous);
      step = alpha * rates_[j] * g;
    }
    k_new = std::clamp(k + step, lo_siemens_[j], hi_siemens_[j]);
    return false;
  }

  if (e.kind == ElementKind::Resistor) {
    assert(spec_.mode == UpdateMode::Continuous);
    k_new = std::clamp(step_in_parameter(spec_.parameter, k, alpha * rates_[j] * g), lo_siemens_[j], hi_siemens_[j]);
    return false;
  }

  if (spec_.mode == UpdateMode::Sign) {
    if (std::abs(g) > spec_.sign_deadband) code += g > 0.0 ? -1 : 1;  // lower code = more conductance
  } else {
    const double target = step_in_parameter(spec_.parameter, k, alpha * rates_[j] * g);
    const double ohms = target > 0.0 ? 1.0 / target : std::numeric_limits<double>::infinity();
    const double x = std::clamp((ohms - e.r_wiper_ohms) * e.taps / e.r_ab_ohms, -1.0, static_cast<double>(e.taps));
    if (spec_.mode == UpdateMode::Quantised && spec_.rounding == Rounding::Stochastic) {
      const double lower = std::floor(x);
      code = static_cast<int>(lower) + (rng.uniform01() < x - lower ? 1 : 0);
    } else {
      code = static_cast<int>(std::lround(x));
    }
  }
  code_new = std::clamp(code, lo_code_[j], hi_code_[j]);
  k_new = digipot_siemens(e, code_new);
  return false;
}

void Updater::age_memristor(Edge& e, std::size_t j, bool programmed, double& siemens) const {
  assert(e.trainable && e.kind == ElementKind::Memristor);
  const MemristorDevice& d = devices_[j];
  if (programmed) {
    e.programmed_siemens = siemens;
    e.seconds_since_programmed = 0.0;
  } else if (d.stuck == Stuck::None) {
    e.seconds_since_programmed += e.memristor.seconds_per_update;
    if (d.drift_nu > 0.0)
      siemens = std::max(d.min_siemens, e.programmed_siemens * drift_factor(d.drift_nu, e.memristor.drift_t0_seconds,
                                                                            e.seconds_since_programmed));
  }
}

std::vector<double> Updater::apply(Network& net, std::span<const double> signal, double alpha,
                                   Rng& rng) const {
  assert(signal.size() == net.edges.size());
  std::vector<double> dk(net.edges.size(), 0.0);
  std::vector<char> programmed(memristors_ ? net.edges.size() : 0, 0);
  std::vector<double> before;
  if (memristors_) before = net.conductances();
  for (std::size_t j = 0; j < net.edges.size(); ++j) {
    Edge& e = net.edges[j];
    if (!e.trainable || !e.has_value()) continue;
    const double k = e.value();
    double k_new = k;
    int code_new = e.code;
    const bool pulsed = step_edge(e, j, k, e.code, signal[j], alpha, rng, k_new, code_new);
    if (e.kind == ElementKind::Memristor) programmed[j] = pulsed;
    if (e.kind == ElementKind::Transistor) {
      e.gate_volts = k_new;
    } else {
      e.siemens = k_new;
      e.code = code_new;
    }
    dk[j] = k_new - k;
  }
  // Every memristor ages once all edges have stepped (its dk includes the drift).
  for (std::size_t j = 0; memristors_ && j < net.edges.size(); ++j) {
    Edge& e = net.edges[j];
    if (!e.trainable || e.kind != ElementKind::Memristor) continue;
    age_memristor(e, j, programmed[j] != 0, e.siemens);
    dk[j] = e.siemens - before[j];
  }
  return dk;
}

bool Updater::within_bounds(std::size_t j, const Edge& e, double siemens, int code) const {
  if (e.kind == ElementKind::Digipot) return code >= lo_code_[j] && code <= hi_code_[j];
  return siemens >= lo_siemens_[j] && siemens <= hi_siemens_[j];
}

}  // namespace spiceloop
