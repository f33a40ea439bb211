// The "dynamics" section of an experiment: the learning machine in time (issue 12), read by
// `spiceloop transient`. Keys, all optional (defaults in brackets):
//   "window_seconds"   [1e-4]  a learning window's flat top (the lab's t_learn, 25-200 us)
//   "edge_seconds"     [window / 100]  rise and fall of the window and of every input or target change
//   "period_seconds"   [4 x window]  one training sample per period; its window closes at the period's end,
//                      so the nodes relax for period - window - 2 edges before it opens
//   "node_farads"      [1e-12]  every node's capacitance to ground, in both copies: the nodes relax in
//                      C / G (0.1 us at lab16's 1e-5 S); near a window's length the machine leaves the quasistatic limit
//   "learning_farads"  [2.2e-6]  each parameter's capacitor (the lab's gate capacitor); the learning
//                      current is C_learn times the rate, so an ideal circuit's trajectory does not depend on it
//   "epochs"           [the experiment's epochs]  passes over the training set, in data set order
//   "max_step_seconds" [window / 20]  the longest ngspice timestep
//   "timeout_seconds"  [3600]  the longest one ngspice transient may take (its worker is then killed)
//   "relaxation"       ["quasistatic"]  how the ideal backend treats the nodes: "quasistatic" solves the twin DC
//                      state at every instant (ode_run.hpp); "integrated" integrates C dV/dt = -(current out of
//                      the node) for both copies as ngspice does (ode_relax.hpp), for beyond-quasistatic studies
//   "continuous_learning" [false]  the learning window is open for the whole run (Stern et al., PRR 2022): it
//                      rises over one edge at t = 0 and never closes; "window_seconds" is then refused (it has
//                      no meaning; window_seconds is set to period_seconds), a period is one learning step (the
//                      rate below takes window = period) and its loss is read at the period's start
//   "device_spread", "twin_mismatch", "bias_amps", "alternate", "overclamp": the imperfect machine, off by
//                      default (imperfection.hpp has their meaning and errors)
//   "noise_kelvin"     [0 = off]  Johnson noise of every resistor edge, both copies, both backends (noise.hpp)
//   "noise_gain"       [1]  multiplies the noise power 4 k T G: lab conductances at 300 K move the parameters
//                      by about 1e-6 of themselves per run, below ngspice's precision; a gain reaches visible noise
//   "noise_seconds"    [window / 100]  the noise's timestep: one independent value per edge held this long
//   "noise_seed"       [the experiment's seed]  seeds the noise (ngspice's RNG and the ODE's)
// The rate: a window integrates d p / dt = v_win(t) alpha / ((window + edge) batch_size) g(t), with g the
// rule's CL signal (c / eta)[(dV_F)^2 - (dV_C)^2] (rule.hpp) and p the learned parameter (conductance
// or gate voltage): one window of a sample is one trainer step of batch size 1, in the limit of small
// steps (batch_size > 1: a batch's windows together make one step).
// Errors: InputError "dynamics.<what>" at "<file>#/dynamics/<key>": not_positive, window_too_long,
// window_with_continuous (a window given with continuous learning; with it, edges must fit twice in a period:
// window_too_long),
// edge_too_short (below 1e-4 max_step_seconds, which ngspice cannot resolve),
// noise_step_too_long (noise_seconds not below the window),
// too_large, unsupported (a rule, update mode or edge kind the machine has no circuit for), and the
// reader's wrong_type, unknown_key.
#pragma once

#include <cstdint>
#include <string>

#include "emulator/learning/config.hpp"
#include "emulator/network/network.hpp"

namespace spiceloop {

struct DynamicsSpec {
  double window_seconds = 1e-4;
  double edge_seconds = 1e-6;
  double period_seconds = 4e-4;
  double node_farads = 1e-12;
  double learning_farads = 2.2e-6;
  int epochs = 1;
  double max_step_seconds = 5e-6;
  double timeout_seconds = 3600.0;
  bool integrated_relaxation = false;  // "relaxation": "integrated"
  bool continuous_learning = false;

  // The integral of one window over time: window + edge (a trapezoid); a whole period if learning is continuous.
  double window_area_seconds() const { return continuous_learning ? period_seconds : window_seconds + edge_seconds; }
  double noise_kelvin = 0.0;
  double noise_gain = 1.0;
  double noise_seconds = 1e-6;
  std::uint64_t noise_seed = 1;
  bool noisy() const { return noise_kelvin > 0.0; }
};

inline constexpr std::int64_t kMaxDynamicsPeriods = 1'000'000;

// The section of config.document (defaults where absent); checks what needs no network.
DynamicsSpec parse_dynamics(const TrainConfig& config);

// What needs the network: a CL rule, continuous updates of conductance on resistor edges or of gate
// voltage on transistor edges, no per-edge rate spread or desynchrony. InputError dynamics.unsupported.
void check_dynamics_fits(const TrainConfig& config, const Network& net);

}  // namespace spiceloop
