// The learning machine in time, one plan for both backends: which sample each period presents,
// when its window opens, the learned parameters and their rates, and the ngspice circuit
// (transient_deck.hpp) built from them. Period p presents training sample p mod n (data set order)
// from t = p P (inputs and targets ramp over one edge), its window opens at p P + P - window - 2 edge
// and closes at (p + 1) P. With continuous learning (spec.hpp) the window rises over [0, edge] and stays
// open; a period's "opening" is then its start.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emulator/dynamics/spec.hpp"
#include "emulator/learning/config.hpp"
#include "emulator/learning/tasks/task.hpp"
#include "emulator/netlist/transient_deck.hpp"
#include "emulator/network/network.hpp"

namespace spiceloop {

struct Machine {
  TrainConfig config;
  DynamicsSpec spec;
  Network net;                 // the initial network
  Dataset data;
  std::vector<int> learned;    // trainable edges, in edge order
  bool gates = false;          // transistors: the parameter is the gate voltage; else conductance
  std::int64_t periods = 0;
  double rate = 0.0;           // d p / dt = v_win rate g while open (spec.hpp)
  TransientCircuit circuit;

  int sample_of(std::int64_t period) const { return static_cast<int>(period % static_cast<std::int64_t>(data.train.size())); }
  double window_open(std::int64_t period) const;   // start of the rise
  double period_end(std::int64_t period) const { return static_cast<double>(period + 1) * spec.period_seconds; }
  // v_win at t (the trapezoid of the ngspice pulse source).
  double window_at(double t) const;
  // The times, in order, between which v_win and the inputs are linear within a period's learning:
  // the ODEs integrate piece by piece so that no step crosses a corner.
  std::vector<double> window_corners(std::int64_t period) const;
  // Parameter values (conductance or gate volts) of the learned edges, from their control-node volts.
  double parameter_of_volts(std::size_t learned_index, double volts) const;
};

// Reads and checks the experiment (config.hpp, spec.hpp), resolves its network and data set.
// Throws InputError.
Machine plan_machine(const TrainConfig& config);

// The network with the learned parameters set to p (one per Machine::learned entry).
Network network_at(const Machine& m, const std::vector<double>& p);

}  // namespace spiceloop
