// SPICE decks for one phase of a network (see emulator/sim/simulator.hpp for the phases).
// Decks are plain ngspice input. Every name in a deck is derived from validated identifiers or
// indices, and every number is formatted locale-free at full precision, so no deck can carry
// command text. SPICE is case-insensitive: the loader rejects names equal up to case.
#pragma once

#include <string>

#include "emulator/network/network.hpp"
#include "emulator/sim/simulator.hpp"

namespace spiceloop {

struct DeckOptions {
  SolverOptions tolerances;  // written as a .options line
  bool print_results = false;  // add .op/.print lines so `ngspice -b deck.cir` prints node voltages
  // Transient decks (transient_deck.hpp) reuse this writer with three changes; empty = as usual.
  std::vector<std::string> input_waveforms;   // per input: the source's value text ("pwl(...)") instead of "dc V"
  std::vector<std::string> target_waveforms;  // Twin, per output: the target source's value text (eta T)
  // Per edge, > 0: the edge is learned on its control node g_<name> (a capacitor the caller adds):
  // a resistor becomes a conductance of learned_siemens_per_volt * v(g_<name>) (a behavioural
  // current b_<name>), a transistor's gate node loses its DC source.
  std::vector<double> learned_siemens_per_volt;
  std::vector<double> clamped_learned_siemens_per_volt;  // Twin copy 1's, per edge (twin mismatch); empty: copy 0's
  bool end_line = true;  // false: leave out ".end" (the caller appends more cards)
};

std::string build_deck(const Network& net, const Drive& drive, const DeckOptions& options = {});

// SPICE names of things in the deck, shared with the ngspice worker that alters them.
std::string spice_node(const Network& net, int node, int copy = 0);  // copy 1: clamped twin copy
std::string spice_element(const Network& net, int edge, int copy = 0);
std::string spice_input_source(int input, int copy = 0);
std::string spice_clamp_source(int output);   // Clamped phase
std::string spice_nudge_source(int output);   // Nudged phase
std::string spice_diode_model(const Network& net, int edge);
// A transistor edge is an NMOS (drain a, source b, body at ground) with its gate on its own node,
// held by a DC source the worker alters; the twin's two copies of an edge share that gate node,
// as the lab's paired edges share one gate capacitor.
std::string spice_gate_node(const Network& net, int edge);
std::string spice_gate_source(const Network& net, int edge);
std::string spice_transistor_model(const Network& net, int edge);
// A memristor with a sinh read is a behavioural current source (b_<name>) whose conductance G is
// the voltage of its own control node, held by a DC source the worker alters as it does a gate
// (the same names, so every copy shares it): I = v(g_<name>) V0 sinh(v(a, b) / V0).
bool has_control_source(const Edge& e);  // a transistor, or a memristor with a sinh read
double control_source_value(const Edge& e);  // its gate volts, or its siemens
// The .model card: level 1 with KP = K (W = L), VTO = V_T, LAMBDA, GAMMA = 0, and no junction
// current (IS = 0), so the device is transistor.hpp's law exactly (ngspice keeps gmin to the body).
std::string spice_transistor_model_card(const Network& net, int edge);
// Twin clamp of output o: a VCVS of gain 1 - eta in series with a DC source of eta * target.
std::string spice_twin_gain_source(int output);
std::string spice_twin_target_source(int output);
// A resistor learned on its control node (DeckOptions::learned_siemens_per_volt).
std::string spice_learned_element(const Network& net, int edge, int copy = 0);

// The resistance a linear edge is written with: a digipot by its code law, a resistor as 1 / k.
double deck_ohms(const Edge& e);

}  // namespace spiceloop
