// The circuit one sweep point trains: the sweep's network with the point's seed and symmetry
// breakers applied, and the targets. Every breaker adds fixed (non-trainable) elements or changes
// bounds; with every breaker off the network is the given one with its bounds widened, so that
// clipping never acts unless asked for.
//   load_ohms   a fixed resistor "load<o>" from each output to ground.
//   source_ohms each input moves to a new held node "src<i>" joined to the old one by a fixed
//               resistor: a Norton source, an ideal current source in the limit of large R (the
//               Simulator interface has voltage-source inputs only).
//   wiper_ohms  each trainable edge (a, b) becomes trainable (a, w) plus fixed wiper (w, b).
//   clip_margin bounds k0 (1 - m) .. k0 (1 + m) on every trainable edge.
//   quantised and sign updates: trainable resistors become digipots of `taps` taps whose
//               mid-scale code is the present resistance (tiny wiper, so the code law is ~linear).
#pragma once

#include <vector>

#include "emulator/network/network.hpp"
#include "emulator/study/sweep_spec.hpp"

namespace spiceloop::study {

struct PointCircuit {
  Network net;
  std::vector<double> targets;  // volts, one per output
};

// Throws InputError when the network cannot be loaded or has nothing trainable. Diodes and
// transistors are measured against the small-nudge prediction (measure.hpp).
Network load_sweep_network(const SweepSpec& spec, int index);

PointCircuit build_point_circuit(const SweepSpec& spec, const Network& base, const SweepPoint& point);

}  // namespace spiceloop::study
