// The memristor edge's device laws: how programming pulses move its conductance, how the
// conductance drifts after programming, and how the device reads (netlists/README.md, "Memristor
// edges", has the equations with their sources). Units: siemens, volts, amperes, seconds.
//
// A run does not program the nominal device of the network file but one drawn from it: every
// parameter spread device to device by `spread` (seeded, memristor draws only from the rng it is
// given), and a device stuck at its upper ("on") or lower ("off") bound at the stuck rates.
//
// One pulse up from G moves it by  dG = +s_up   f_up(G)   (1 + step_noise xi)
// and one pulse down by            dG = -s_down f_down(G) (1 + step_noise xi),  xi ~ N(0, 1),
// then G is clipped to the device's [G_min, G_max]; s_up = dw_min (1 + up_down),
// s_down = dw_min (1 - up_down), x = (G - G_min) / (G_max - G_min) and
//   constant_step  f_up = 1                 f_down = 1
//   soft_bounds    f_up = 1 - x             f_down = x
//   power_step     f_up = (1 - x)^gamma     f_down = x^gamma
// Drift: t seconds after its last programming a device reads G_prog (t / t0)^-nu for t > t0 and
// G_prog before, never below G_min. A stuck device never moves and never drifts.
// Read: I = G V0 sinh((V_a - V_b) / V0) with V0 = read_volts > 0 (small-signal conductance G);
// the linear I = G (V_a - V_b) when read_volts is 0.
#pragma once

#include <cstdint>
#include <vector>

#include "emulator/core/random.hpp"
#include "emulator/network/network.hpp"

namespace spiceloop {

enum class Stuck { None, On, Off };

// One device of a run, drawn from the edge's nominal parameters.
struct MemristorDevice {
  double step_up_siemens = 0.0;
  double step_down_siemens = 0.0;
  double min_siemens = 0.0;
  double max_siemens = 0.0;
  double gamma = 1.0;
  double drift_nu = 0.0;
  Stuck stuck = Stuck::None;
};

// Exactly kMemristorDraws draws from rng whatever the parameters, so that a device does not
// depend on its neighbours' parameters: u (stuck), then the Gaussians of step, up_down, G_min,
// G_max, gamma and nu (gaussian_unpaired: no spare is carried between devices).
inline constexpr int kMemristorDraws = 7;
MemristorDevice draw_memristor(const MemristorParams& p, double min_siemens, double max_siemens, Rng& rng);
// The nominal device (no spread, never stuck).
MemristorDevice nominal_memristor(const MemristorParams& p, double min_siemens, double max_siemens);

// Where a device starts from the conductance asked of it: clipped into its own range, or the bound
// it is stuck at.
double placed_siemens(const MemristorDevice& d, double siemens);

// The mean change of one pulse at G, before noise: positive up, negative down.
double pulse_step_siemens(const MemristorDevice& d, PulseModel model, double siemens, bool up);

// G after |pulses| pulses in the direction of sign(pulses), one at a time, each clipped to the
// device's bounds. One gaussian_unpaired draw from noise per pulse when step_noise > 0; none
// otherwise or for a stuck device.
double apply_pulses(const MemristorDevice& d, const MemristorParams& p, double siemens, int pulses, Rng& noise);

// (t / t0)^-nu for t > t0, else 1.
double drift_factor(double nu, double t0_seconds, double seconds);

// The characteristic a device person checks first: for `devices` devices drawn from edge e's
// parameters (stream Devices of seed; pulse noise from stream Training), the conductance before
// and after each of `up` pulses up and then `down` pulses down: curves[d][n], n = 0 .. up + down.
std::vector<std::vector<double>> pulse_curves(const Edge& e, int devices, int up, int down, std::uint64_t seed);

// The read current a -> b and its derivatives, at the edge's siemens.
struct MemristorPoint {
  double amps = 0.0;
  double d_volts = 0.0;    // dI / d(V_a - V_b) (S)
  double d_siemens = 0.0;  // dI / dG (V)
};
MemristorPoint memristor_point(const Edge& e, double volts_a, double volts_b);

}  // namespace spiceloop
