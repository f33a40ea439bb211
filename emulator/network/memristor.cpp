#include "emulator/network/memristor.hpp"

#include <algorithm>
#include <cmath>

#include "emulator/network/validate.hpp"

namespace spiceloop {

namespace {

// A relative spread: never below zero (a negative step or range is no device).
double spread(double nominal, double relative, double xi) { return nominal * std::max(0.0, 1.0 + relative * xi); }

MemristorDevice device(double step, double up_down, double lo, double hi, double gamma,
                       double nu) {
  MemristorDevice d;
  const double a = std::clamp(up_down, -1.0, 1.0);
  d.step_up_siemens = step * (1.0 + a);
  d.step_down_siemens = step * (1.0 - a);
  d.min_siemens = std::max(lo, network_limits::kMinSiemens);
  d.max_siemens = std::max(hi, d.min_siemens);
  d.gamma = gamma;
  d.drift_nu = nu;
  return d;
}

}  // namespace

MemristorDevice nominal_memristor(const MemristorParams& p, double lo, double hi) {
  return device(p.step_siemens, p.up_down, lo, hi, p.gamma, p.drift_nu);
}

MemristorDevice draw_memristor(const MemristorParams& p, double lo, double hi, Rng& rng) {
  const double u = rng.uniform01();
  double xi[kMemristorDraws - 1];
  for (double& x : xi) x = rng.gaussian_unpaired();
  const double s = p.spread;
  // up_down is already relative: its spread adds, as aihwkit's up_down_dtod does.
  MemristorDevice d = device(spread(p.step_siemens, s, xi[0]), p.up_down + s * xi[1], spread(lo, s, xi[2]),
                             spread(hi, s, xi[3]), spread(p.gamma, s, xi[4]), spread(p.drift_nu, s, xi[5]));
  if (u < p.stuck_on_rate) d.stuck = Stuck::On;
  else if (u < p.stuck_on_rate + p.stuck_off_rate) d.stuck = Stuck::Off;
  return d;
}

double placed_siemens(const MemristorDevice& d, double siemens) {
  if (d.stuck == Stuck::On) return d.max_siemens;
  if (d.stuck == Stuck::Off) return d.min_siemens;
  return std::clamp(siemens, d.min_siemens, d.max_siemens);
}

std::vector<std::vector<double>> pulse_curves(const Edge& e, int devices, int up, int down, std::uint64_t seed) {
  Rng device_rng = Rng::stream(seed, RandomStream::Devices);
  Rng noise = Rng::stream(seed, RandomStream::Training);
  std::vector<std::vector<double>> curves;
  curves.reserve(static_cast<std::size_t>(std::max(devices, 0)));
  for (int i = 0; i < devices; ++i) {
    const MemristorDevice d = draw_memristor(e.memristor, e.min_siemens, e.max_siemens, device_rng);
    std::vector<double> g{placed_siemens(d, e.siemens)};
    for (int n = 0; n < up + down; ++n) g.push_back(apply_pulses(d, e.memristor, g.back(), n < up ? 1 : -1, noise));
    curves.push_back(std::move(g));
  }
  return curves;
}

double pulse_step_siemens(const MemristorDevice& d, PulseModel model, double g, bool up) {
  const double range = d.max_siemens - d.min_siemens;
  const double x = range > 0.0 ? std::clamp((g - d.min_siemens) / range, 0.0, 1.0) : 0.0;
  double f = 1.0;
  switch (model) {
    case PulseModel::ConstantStep: f = 1.0; break;
    case PulseModel::SoftBounds: f = up ? 1.0 - x : x; break;
    case PulseModel::PowerStep: f = std::pow(up ? 1.0 - x : x, d.gamma); break;
  }
  return up ? d.step_up_siemens * f : -d.step_down_siemens * f;
}

double apply_pulses(const MemristorDevice& d, const MemristorParams& p, double g, int pulses, Rng& noise) {
  if (d.stuck != Stuck::None) return g;
  const bool up = pulses > 0;
  for (int n = std::abs(pulses); n > 0; --n) {
    double dg = pulse_step_siemens(d, p.model, g, up);
    if (p.step_noise > 0.0) dg *= 1.0 + p.step_noise * noise.gaussian_unpaired();
    g = std::clamp(g + dg, d.min_siemens, d.max_siemens);
  }
  return g;
}

double drift_factor(double nu, double t0, double seconds) {
  return nu > 0.0 && seconds > t0 ? std::pow(seconds / t0, -nu) : 1.0;
}

MemristorPoint memristor_point(const Edge& e, double va, double vb) {
  const double dv = va - vb, g = e.siemens, v0 = e.memristor.read_volts;
  MemristorPoint p;
  if (v0 == 0.0) {
    p.amps = g * dv;
    p.d_volts = g;
    p.d_siemens = dv;
    return p;
  }
  const double x = dv / v0;
  p.d_siemens = v0 * std::sinh(x);
  p.amps = g * p.d_siemens;
  p.d_volts = g * std::cosh(x);
  return p;
}

}  // namespace spiceloop
