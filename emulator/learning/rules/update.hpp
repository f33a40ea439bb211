// Turns the rule's descent signal g (dk = alpha g in conductance, rule.hpp) into new element values.
//
// Parameterisation: the step is taken in a parameter p(k) by gradient descent in p, which in
// conductance reads dk_j = alpha_j m(k_j) g_j, and conserves sum F(k_j) with F'(k) = k / m(k)
// (DOMAIN.md section 3):
//   Conductance     p = k       dp = alpha g             m = 1     invariant sum k^2
//   Resistance      p = R = 1/k dp = -alpha k^2 g        m = k^4   invariant sum R^2
//   LogConductance  p = ln k    dp = alpha k g           m = k^2   invariant sum ln k
// The discrete step is applied in p and mapped back (k = 1/R, k = exp(p)), then clipped.
//   GateVoltage     p = V_G of a transistor edge: dV_G = alpha g, clipped to the gate bounds. With
//                   the code convention this is the lab's dV_G = t_learn / (10 V R C) [(dV_F)^2 -
//                   (dV_C)^2] for alpha = eta t_learn / (10 V R C) (Dillavou et al., PNAS 2024).
//                   Sign mode moves each gate by alpha volts per clock towards sign(g).
// Transistor edges learn only GateVoltage, and GateVoltage only transistor edges (config.hpp).
//
// Modes: Continuous sets the new conductance (a digipot edge takes its nearest tap); Quantised
// rounds the new value to a digipot tap (nearest, or stochastically in resistance, which is affine
// in the code); Sign moves each digipot one tap per clock towards higher conductance when g > 0,
// i.e. by sign((dV_F)^2 - (dV_C)^2), as in Dillavou et al. 2022. Every mode clips to the element's
// bounds (resistor: [min_siemens, max_siemens]; digipot: the codes inside those bounds).
//
// Memristor edges (memristor.hpp) learn by programming pulses: Continuous sends
// n_j = round(alpha_j g_j / step_siemens) pulses (at most max_pulses either way), Sign one pulse
// towards sign(g) (the lab's sign rule); the device the run drew for the edge decides where each
// pulse takes it, with its cycle-to-cycle noise drawn from the training rng. Every memristor not
// programmed in a step ages by seconds_per_update and drifts; a programmed one starts again at 0.
//
// Per-edge rates alpha_j = alpha s_j, s_j drawn once per run uniformly in [1 - spread, 1 + spread].
// Desynchronous updates: each step each edge updates with probability desync_fraction.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "emulator/core/random.hpp"
#include "emulator/network/memristor.hpp"
#include "emulator/network/network.hpp"

namespace spiceloop {

enum class UpdateMode { Continuous, Quantised, Sign };
enum class Rounding { Nearest, Stochastic };
enum class Parameter { Conductance, Resistance, LogConductance, GateVoltage };

const char* update_mode_name(UpdateMode m);  // "continuous", "quantised", "sign"
const char* rounding_name(Rounding r);       // "nearest", "stochastic"
const char* parameter_name(Parameter p);     // "conductance", "resistance", "log_conductance", "gate_voltage"

struct UpdateSpec {
  UpdateMode mode = UpdateMode::Continuous;
  Rounding rounding = Rounding::Nearest;
  Parameter parameter = Parameter::Conductance;
  double rate_spread = 0.0;      // in [0, 1)
  double desync_fraction = 1.0;  // in (0, 1]
  double sign_deadband = 0.0;    // Sign mode: |g| at or below this (V^2) leaves the tap alone
  int max_pulses = 31;           // memristors: the most pulses one step sends an edge (aihwkit's BL)
};

// The conductance after one step of size alpha_j g_j in parameter p, before clipping.
double step_in_parameter(Parameter p, double siemens, double alpha_g);

class Updater {
 public:
  // Draws the per-edge rate factors from the seed's Rates stream, and each memristor's device from
  // its Devices stream (kMemristorDraws per memristor edge, in edge order).
  Updater(const UpdateSpec& spec, const Network& net, std::uint64_t seed);

  // Puts the drawn devices into net: each trainable memristor's conductance clipped to its
  // device's bounds, or set to the bound it is stuck at, and programmed at that value just now.
  void place_devices(Network& net) const;
  // The device drawn for edge j (a trainable memristor).
  const MemristorDevice& device(std::size_t j) const { return devices_[j]; }

  // Applies one step to the trainable edges of net and returns the applied change of each edge's
  // value (siemens; volts for a transistor's gate).
  // Random draws (desync mask, stochastic rounding) come from rng in edge order.
  std::vector<double> apply(Network& net, std::span<const double> signal, double alpha, Rng& rng) const;

  // One trainable edge's step from its value k (conductance, or a transistor's gate voltage) and
  // code (digipots): its new value and code, exactly as apply() sets them before memristors age
  // (apply is this, edge by edge, then age_memristor). Draws from rng as apply. Returns whether
  // the edge is a memristor that was programmed (pulses reached a device that is not stuck).
  // pulses, when given, receives the signed count sent to a memristor (0 for any other edge).
  bool step_edge(const Edge& e, std::size_t j, double k, int code, double g, double alpha, Rng& rng,
                 double& k_new, int& code_new, int* pulses = nullptr) const;
  // After every edge of a step has stepped, trainable memristor e (edge j) at conductance siemens:
  // programmed in this step, its clock restarts at siemens; otherwise the clock advances by
  // seconds_per_update and siemens drifts from the programmed value (memristor.hpp).
  void age_memristor(Edge& e, std::size_t j, bool programmed, double& siemens) const;
  bool has_memristors() const { return memristors_; }  // any trainable memristor

  // Every trainable edge a resistor, stepped in conductance, continuously and synchronously: the
  // step is k_new = clamp(k + alpha s_j g, lower_j, upper_j) with no draws, which a fused pass over
  // the edges computes inline (rules/step_pass.hpp).
  bool plain() const { return plain_; }
  bool uniform_rates() const { return spec_.rate_spread == 0.0; }
  // Whether a step may draw random numbers (desynchronous updates, stochastic rounding, memristor
  // pulse noise).
  bool draws() const {
    return spec_.desync_fraction < 1.0 || memristors_ ||
           (spec_.mode == UpdateMode::Quantised && spec_.rounding == Rounding::Stochastic);
  }
  // Per edge, the bounds of its value: siemens, or gate volts for a transistor.
  std::span<const double> lower_siemens() const { return lo_siemens_; }
  std::span<const double> upper_siemens() const { return hi_siemens_; }

  const std::vector<double>& rate_factors() const { return rates_; }  // s_j, 1 for fixed edges
  // Whether trainable edge j may hold these values after apply(): a resistor's conductance within
  // its bounds (a memristor's: its device's), a digipot's code among the codes its bounds allow (checkpoints are checked by it).
  bool within_bounds(std::size_t j, const Edge& e, double siemens, int code) const;

 private:
  UpdateSpec spec_;
  std::vector<double> rates_;
  std::vector<double> lo_siemens_, hi_siemens_;  // gate volts for a transistor; a memristor's device's
  std::vector<int> lo_code_, hi_code_;  // digipot: codes whose conductance lies within the bounds
  std::vector<MemristorDevice> devices_;  // per edge; meaningful for trainable memristors
  bool plain_ = true;
  bool memristors_ = false;  // any trainable memristor
};

// Conductance bounds of an edge; an unset (non-positive) upper bound means none.
double lower_bound_siemens(const Edge& e);
double upper_bound_siemens(const Edge& e);

}  // namespace spiceloop
