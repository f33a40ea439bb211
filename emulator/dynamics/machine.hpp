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

#include "emulator/dynamics/imperfection.hpp"
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
  Imperfection imperfection;   // imperfection.hpp: spread, mismatch, bias, alternating tasks, overclamping
  Dataset second;              // the alternate task's data (empty without "alternate")

  // The task a period presents (0: the experiment's, 1: the alternate), its sample's index in that task's
  // training set, and the sample.
  int task_of(std::int64_t period) const;
  int sample_of(std::int64_t period) const {
    return static_cast<int>(period % static_cast<std::int64_t>(train_of(task_of(period)).size()));
  }
  const Sample& sample_at(std::int64_t period) const { return train_of(task_of(period))[sample_of(period)]; }
  const std::vector<Sample>& train_of(int task) const { return task == 1 ? second.train : data.train; }
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
