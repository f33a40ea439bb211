// The imperfect learning machine (issue 12 item 3d; Dillavou et al., arXiv 2505.22887: dG/dt =
// -M (G - G*) + B): the "dynamics" keys that make the twin machine imperfect, and the seeded draws
// behind them. Keys (spec.hpp lists them with the others; all off by default):
//   "device_spread"  [0]  relative std, both copies: a resistor's conductance, a transistor's gain K
//                         and threshold V_T, each times (1 + s z), floored at 0.05 of nominal
//   "twin_mismatch"  [0]  relative std of the clamped copy's learned edges against the free copy's:
//                         a resistor's conductance per control volt, a transistor's gain K, times (1 + m z)
//   "bias_amps"      [0]  std of a seeded constant current into each parameter's capacitor, flowing
//                         always (an offset of the learning loop): d p / dt gains I_j / C_learn
//                         (volts of the control node; times the edge's siemens per volt for a resistor)
//   "alternate"      {"task_seconds": tau, "task": {...}}: periods starting in [k tau, (k + 1) tau)
//                         present the experiment's task for even k and this task for odd k; tau a whole
//                         number of periods
//   "overclamp"      {"low_volts", "high_volts", "error_volts", "eta" [the rule's]}: the clamp of
//                         output o is (1 - eta) V_F,o + eta X_o with X_o = high_volts where T_o > V_F,o,
//                         low_volts where T_o < V_F,o (V_F,o where equal), the signal (c / eta)[...] with
//                         this eta, and the rate times |T - V_F| / error_volts (the Euclidean norm over
//                         the outputs): the continuous form of the lab's learning time scaled by the
//                         error (the lab: eta 32/129 and 200 us against 128/129 and 25 us standard).
//                         Ideal backend only.
// z are standard normal draws of one seeded stream (RandomStream::DynamicsImperfection of the
// experiment's seed), drawn per edge in edge order for every key whether set or not, so that
// setting one key never moves another's draws.
// Errors: InputError "dynamics.<what>" at "<file>#/dynamics/<key>": negative, too_large (a spread
// or mismatch above 1), not_positive, not_whole_periods (tau), bad_overclamp (low >= high), and
// the task's own errors (config.*) at /dynamics/alternate/task.
#pragma once

#include <string>
#include <vector>

#include "emulator/dynamics/spec.hpp"
#include "emulator/learning/config.hpp"
#include "emulator/learning/tasks/task.hpp"
#include "emulator/netlist/transient_deck.hpp"
#include "emulator/network/network.hpp"

namespace spiceloop {

struct Overclamp {
  bool on = false;
  double low_volts = 0.0, high_volts = 0.0, error_volts = 1.0;
  double eta = 0.0;  // the clamp factor toward the extreme (the rule's eta unless given)
};

struct Imperfection {
  double device_spread = 0.0;
  double twin_mismatch = 0.0;
  double bias_amps = 0.0;
  double task_seconds = 0.0;  // 0: one task
  TaskSpec second_task;       // when task_seconds > 0
  Overclamp overclamp;
  // Per edge (edge order), drawn from the seed: the clamped copy's factor (1 with no mismatch) and
  // the bias current (amps).
  std::vector<double> twin_factor, bias;

  // The flow needs the imperfect ODE (separate free and clamped solves, drift between windows).
  bool changes_flow() const { return twin_mismatch > 0.0 || bias_amps > 0.0 || overclamp.on; }
};

// The keys of the "dynamics" section this file reads (spec.cpp allows them).
inline constexpr std::string_view kImperfectionKeys[] = {"device_spread", "twin_mismatch", "bias_amps", "alternate",
                                                         "overclamp"};

// Reads the keys (no network needed). Throws InputError.
Imperfection parse_imperfection(const TrainConfig& config, double period_seconds);

// Applies the device spread to net (both copies) and draws the twin factors and bias currents.
void draw_imperfection(Imperfection& imp, const TrainConfig& config, Network& net);

// The alternate task's data set on net (the experiment's seed). Throws InputError.
Dataset second_dataset(const Imperfection& imp, const TrainConfig& config, const Network& net);

// Sets the circuit's bias currents and the clamped copy's learned conductances per volt (resistors).
void set_imperfect_circuit(const Imperfection& imp, const Network& net, TransientCircuit& c);

// What the ngspice deck has no circuit for: overclamping, a transistor's twin mismatch.
// InputError dynamics.unsupported at "<source>#/dynamics/<key>".
void check_imperfection_on_ngspice(const Imperfection& imp, const Network& net, const std::string& source);

// What the imperfect flow does not combine with: integrated relaxation (ode_relax.hpp has no
// imperfection yet). InputError dynamics.unsupported at "<source>#/dynamics/relaxation".
void check_imperfection_fits(const Imperfection& imp, const DynamicsSpec& spec, const std::string& source);

// The clamped copy of net: its learned edges' conductance or gain times the twin factors.
Network clamped_copy(const Imperfection& imp, const Network& net);

}  // namespace spiceloop
