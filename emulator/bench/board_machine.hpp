// The transistor learning machine behind the lab board (DOMAIN.md section 4; Dillavou et al.,
// PNAS 2024): twin free/clamped copies of a transistor network whose paired edges share a gate.
// The board (drivers/standins/board) speaks its serial protocol over a BoardMachine and never
// looks inside, so any machine that can relax, measure and learn can stand behind it:
//   SteppedBoardMachine  (here) the discrete machine: one Simulator::solve_twin per step, then one
//                        coupled-learning step of every trainable gate, exactly the in-process
//                        Trainer's step with batch size 1, twin CL, gate_voltage parameter, code
//                        convention, continuous updates (dV_G = alpha / eta [(dV_F)^2 - (dV_C)^2],
//                        clipped to the gate bounds).
//   a continuous machine (emulator/dynamics, later): learn() integrates one learning window of
//                        the transient; measure() and relax() read the twins at rest.
// Gates are the transistor edges' gate voltages in edge order (other edges are fixed); node
// voltages are every node in network order, ground (node 0) included.
// Units: volts; eta in (0, 1]; alpha >= 0 (V^-1: dV_G = alpha g with g in V^2 / eta).
// Not thread-safe: the board's server runs one command at a time.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "emulator/core/random.hpp"
#include "emulator/learning/rules/update.hpp"
#include "emulator/network/network.hpp"
#include "emulator/sim/simulator.hpp"
#include "emulator/sim/state.hpp"

namespace spiceloop {

// What a measure or learning step is driven by. Sizes: inputs per network input, targets per output.
struct BoardDrive {
  std::vector<double> input_volts;
  std::vector<double> target_volts;
  double eta = 0.5;
  double alpha = 0.0;
};

class BoardMachine {
 public:
  virtual ~BoardMachine() = default;
  virtual const Network& network() const = 0;
  // Gate voltages, one per transistor edge in edge order.
  virtual std::vector<double> gates() const = 0;
  // Sets every gate (sizes and bounds checked by the caller: the board refuses before calling).
  virtual void set_gates(std::span<const double> volts) = 0;
  // The free copy at rest under these inputs: node voltages.
  virtual std::vector<double> relax(std::span<const double> input_volts) = 0;
  // Both copies at rest, the clamped one at (1 - eta) V_F + eta T; no gate moves.
  virtual TwinState measure(const BoardDrive& drive) = 0;
  // One learning step; returns the twin the step learned from (the gates have moved after it).
  virtual TwinState learn(const BoardDrive& drive) = 0;
};

// Transistor edges of net, in edge order (the board's gate numbering).
std::vector<std::size_t> gate_edges(const Network& net);

class SteppedBoardMachine : public BoardMachine {
 public:
  // Loads net into sim; sim must outlive the machine and serve nobody else. Throws InputError
  // board.no_transistor for a network without transistor edges.
  SteppedBoardMachine(Network net, Simulator& sim);

  const Network& network() const override { return net_; }
  std::vector<double> gates() const override;
  void set_gates(std::span<const double> volts) override;
  std::vector<double> relax(std::span<const double> input_volts) override;
  TwinState measure(const BoardDrive& drive) override;
  TwinState learn(const BoardDrive& drive) override;

 private:
  Drive twin_drive(const BoardDrive& drive) const;

  Network net_;
  Simulator& sim_;
  std::vector<std::size_t> gate_edges_;
  Updater updater_;
  Rng rng_;  // the Updater's draws (none: no spread, no desync, continuous)
};

}  // namespace spiceloop
