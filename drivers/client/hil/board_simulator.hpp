// The hardware-in-the-loop backend on the lab board of the transistor learning machine: a
// Simulator whose solves are the board's measurements, over its serial protocol (BoardClient,
// drivers/client/board_client.hpp), so `spiceloop train --backend hil` runs the trainer unchanged
// against `spiceloop board` or a real board behind a TCP serial bridge. The trainer keeps the
// learning rule; the board holds the gates and measures the twins.
//   load(net)          net must be the board's network (addresses "network"; names, edges a/b/kind,
//                      inputs, outputs); every gate is sent (GATE;MULTI;...;).
//   set_conductances   transistor edges' gate volts; sent only when one changed. Any other edge
//                      must keep the board's value (hil.unsettable_edge).
//   solve(Free)        INPT when the inputs changed, then RELX;  -> the free copy's node volts.
//   solve_twin         INPT, TRGT, ETA when changed, then MEAS;  -> FREE and CLMP grids (no gate moves).
//   Clamped, Nudged    hil.unsupported_phase: the board clamps only through its twin.
// States are make_state(net, node volts): currents from the volts and the gates sent.
// Errors: InputError hil.network_mismatch, hil.unsettable_edge, hil.unsupported_phase;
// SimulationError hil.instrument (a ClientError: connection, timeout, a refusal with the board's
// reason) and hil.scan (a grid of the wrong size).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "drivers/client/hil/addresses.hpp"
#include "emulator/sim/simulator.hpp"

namespace spiceloop::hil {

struct BoardSimulatorOptions {
  std::chrono::milliseconds timeout{10000};  // per board call
};

class BoardSimulator : public Simulator {
 public:
  // Reads the board's network file and connects (SimulationError hil.instrument when the board
  // does not answer). addresses.board must be set.
  explicit BoardSimulator(const HilAddresses& addresses, BoardSimulatorOptions options = {});
  ~BoardSimulator() override;

  std::string name() const override { return "hil"; }
  // Messages that waited for the board's answer since construction.
  std::uint64_t round_trips() const;

 protected:
  void do_load(const Network& net) override;
  void do_set_conductances(std::span<const double> siemens) override;
  State do_solve(const Drive& drive) override;
  TwinState do_solve_twin(const Drive& drive) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace spiceloop::hil
