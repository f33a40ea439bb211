// The self-learning network stand-in: the command table of the twin free/clamped networks of the
// lab papers (Dillavou et al., Phys. Rev. Applied 18, 014040, 2022) that update their own edges on
// a global clock. Behaviour (the clock, the twins, their mismatch) is the bench's LearningClock
// (emulator/bench/learning_clock.hpp); this file is its SCPI dialect. The edges are the Bench's:
// EDGE:* writes go through Bench::update_edges, so the scanner and the digipot bank see them.
//
// Numbering: outputs 1..n in the network file's order; edges 1..E in network order; nodes 1..N are
// the non-ground nodes in network order (node k is Network::node_names[k]). A command or query
// without a list means every output / edge / node.
//
// Commands (numbers answer in NR3 with 17 significant digits, so values round-trip exactly):
//   LEARn:RULE CL|EP|SIGN                and ?   SIGN: -221 unless every trainable edge is a digipot
//   LEARn:ETA <eta>                      and ?   CL/SIGN clamp factor, 0 < eta <= 1 (else -222)
//   LEARn:BETA <siemens>                 and ?   EP nudge, 0 < beta <= 1 S (else -222)
//   LEARn:RATE <alpha>                   and ?   0 <= alpha <= 1 (CL: S/V^2; EP: S^2/V^2; SIGN ignores it)
//   LEARn:TARGet <volts>[,(@outputs)]    and ?   |T| <= 1000 V
//   LEARn:TARGet:COUNt?                          the number of outputs
//   LEARn:CLOCk [<n>]                            n update cycles (1..max_clocks, default 1), run
//                                                inside the command; under a server the bench is
//                                                handed to other ports between cycles, and *RST or
//                                                the control port's abort stops it there (-200
//                                                "learning clock aborted after k of n cycles")
//   LEARn:CLOCk:COUNt?                           cycles since *RST
//   LEARn:COST?                                  sum over outputs of (V_F - T)^2 / 2 at the present state
//   EDGE:CODE <code>[,(@edges)]          and ?   digipot codes 0..taps-1; a resistor edge is -221
//   EDGE:CONDuctance <siemens>[,(@edges)] and ?  within the edge's bounds (else -222); a digipot
//                                                takes its nearest tap
//   EDGE:PRESet                                  every edge back to the network file's value
//   EDGE:COUNt?, EDGE:NAME? [(@edges)]
//   NODE:VOLTage? FREE|CLAMped|NUDGed[,(@nodes)] the free twin, or the clamped (EP: nudged) twin,
//                                                of the last clock; a fresh twin solve when
//                                                anything changed since
//   NODE:COUNt?, NODE:NAME? [(@nodes)]
//   FORMat[:DATA] ASCii|REAL,64, FORMat:BORDer   for EDGE:COND? and NODE:VOLT?
// plus add_common_commands (*RST: rule CL, the option defaults for eta, beta and alpha, targets 0 V,
// clock count 0, ASCII format; the edges keep their values: EDGE:PRES restores them).
//
// Errors: a setting the clock refuses is -222 (out of range) or -221 (a conflict: SIGN with a
// trainable resistor, source channels clamping the outputs, which the twins clamp themselves); a
// failed solve, or a non-finite voltage or update, is -200 with the error id; a clock that fails
// changes nothing, the cycles before it stand. NODE:VOLT? and COST? are exact solves (no reading
// noise): the scanner is the instrument that measures through the realism knobs.
// Not thread-safe: one command at a time.
#pragma once

#include <string>
#include <vector>

#include "drivers/scpi/command_tree.hpp"
#include "drivers/scpi/data_format.hpp"
#include "drivers/scpi/status.hpp"
#include "emulator/bench/bench.hpp"
#include "emulator/bench/learning_clock.hpp"

namespace spiceloop::standins {

struct LearningNetworkOptions {
  std::string serial = "SL-LEARN-0001";
  std::string firmware = "0.1";
  LearningClockSettings defaults;  // eta, beta, alpha after *RST
  int max_clocks = 100000;         // per LEARn:CLOCk command (the server waits for it)
};

class LearningNetwork {
 public:
  LearningNetwork(Bench& bench, LearningNetworkOptions options = {});
  LearningNetwork(const LearningNetwork&) = delete;  // the tree's handlers hold `this`
  LearningNetwork& operator=(const LearningNetwork&) = delete;

  scpi::CommandTree& tree() { return tree_; }
  scpi::Status& status() { return status_; }
  Bench& bench() { return bench_; }
  LearningClock& clock() { return clock_; }
  void reset();

 private:
  void register_learning();
  void register_edges();
  void register_nodes();

  Bench& bench_;
  LearningNetworkOptions options_;
  std::vector<Edge> preset_edges_;  // the network file's values, for EDGE:PRES
  LearningClock clock_;
  scpi::Status status_;
  scpi::CommandTree tree_;
  scpi::DataFormat format_;
};

}  // namespace spiceloop::standins
