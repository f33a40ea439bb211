// The deck of the whole twin learning machine as one transient (issue 12): both copies of the
// network (deck.hpp's twin phase), every node with a capacitance to ground, each learned parameter
// the voltage of its own control node g_<name> held by a capacitor, which a behavioural current
// charges during learning windows:
//   C_learn d v(g)/dt = C_learn * rate_j * v(win) * [(dV_F)^2 - (dV_C)^2]
// v(win) is a periodic 0..1 trapezoid (a pulse source), inputs and clamp targets are PWL sources.
// A learned resistor conducts siemens_per_volt_j * v(g) (deck.hpp's learned element); a learned
// transistor's gate is g itself. Parameters start from .ic values (no uic: the first operating point
// holds them there and solves every node).
// The worker builds this deck from the typed request alone (protocol.hpp); the parent writes the same
// deck with a .control block that runs it in the `ngspice` program and writes the result table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emulator/network/network.hpp"
#include "emulator/sim/simulator.hpp"

namespace spiceloop {

struct Waveform {  // piecewise linear; one point is a constant
  std::vector<double> times, values;
};

struct TransientCircuit {
  double eta = 0.5;                      // clamp: (1 - eta) V_F + eta T
  std::vector<Waveform> inputs;          // per network input (volts), both copies
  std::vector<Waveform> targets;         // per output (volts)
  double window_delay_seconds = 0.0;     // first opening; then every window_period_seconds
  double window_edge_seconds = 0.0;      // rise and fall
  double window_top_seconds = 0.0;       // fully open
  double window_period_seconds = 0.0;
  std::vector<double> learn_rate;        // per edge, volts of g per second per V^2 when open; 0 not learned
  std::vector<double> siemens_per_volt;  // per edge: learned resistors' conductance per volt of g (1 for transistors)
  std::vector<double> initial_volts;     // per edge: v(g) at t = 0 (learned edges)
  double node_farads = 0.0;
  double learning_farads = 0.0;
  // Johnson noise (emulator/dynamics/noise.hpp), 0 = none: across every resistor edge of both copies a
  // current noise_amps_per_root_siemens * sqrt(G) * n(t), n a unit Gaussian held for noise_seconds (a
  // trrandom source seeded by noise_seed), G the edge's conductance (learned: siemens_per_volt * v(g)).
  double noise_amps_per_root_siemens = 0.0;
  double noise_seconds = 0.0;
  std::uint32_t noise_seed = 1;  // ngspice's seed: 1 .. 2^31 - 1
  double stop_seconds = 0.0;
  double max_step_seconds = 0.0;
  SolverOptions tolerances;
  // The imperfect machine (emulator/dynamics/imperfection.hpp); empty: none.
  std::vector<double> bias_amps;                 // per edge: a constant current into g (learned edges)
  std::vector<double> clamped_siemens_per_volt;  // per edge: the clamped copy's learned resistors (twin mismatch)
};

bool is_learned(const TransientCircuit& c, int edge);

// The deck; with results_file non-empty, a .control block runs the transient and writes
// transient_vectors() (with time first) to that file with wrdata, then quits.
std::string build_transient_deck(const Network& net, const TransientCircuit& c, const std::string& results_file = "");

// The `tran` command of the deck (built from numbers only).
std::string transient_command(const TransientCircuit& c);

// The vectors a run reports, in order: v(g_<name>) per learned edge, then v(n_<o>) and v(c_<o>)
// per output (free and clamped copies).
std::vector<std::string> transient_vectors(const Network& net, const TransientCircuit& c);

std::string spice_window_source();  // "vwin", on node "win"
std::string spice_learning_source(const Network& net, int edge);  // "bl_<name>"
// The noise lines of a noisy circuit ("" without noise): a seed option, and per resistor edge and copy a
// unit trrandom source vnz{f,c}_<name> and the current bnz{f,c}_<name> it drives across the edge.
std::string spice_noise_lines(const Network& net, const TransientCircuit& c);

}  // namespace spiceloop
