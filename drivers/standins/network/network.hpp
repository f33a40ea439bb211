// The self-learning network stand-in: the twin free/clamped networks of the lab papers (Dillavou
// et al., Phys. Rev. Applied 18, 014040, 2022) that update their own edges on a global clock.
// The edges are the Bench's: every update goes through Bench::update_edges, so the scanner and the
// digipot bank measure the learned values. The inputs are whatever the Bench's source channels
// hold (the source stand-in sets them); the twins clamp the outputs themselves.
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
//                                                synchronously inside the command
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
// One clock cycle: the twin solve (free copy; second copy with outputs held at (1 - eta) V_F + eta T
// for CL and SIGN, or with the current beta (T - V_F) injected into each output for EP), the rule's
// signal (emulator/learning/rule.hpp, code convention: g = -(1/nu) [(dV^2)_2nd - (dV^2)_F]), then one
// Updater step (update.hpp) of every trainable edge: continuous in conductance for CL and EP
// (digipots take their nearest tap), one tap towards sign(g) for SIGN. This is exactly the
// in-process Trainer's step with batch size 1, twin CL, conductance parameter.
// Twin mismatch (Realism::twin_mismatch): the second copy's conductances are the true ones times
// (1 + m z_j), z_j standard normal drawn once per seed from a generator of its own (so that noise
// readings taken earlier never shift them). NODE:VOLT? and COST? are exact solves (no reading
// noise): the scanner is the instrument that measures through the realism knobs.
// Source channels clamping outputs must be OFF (the twins clamp their own outputs): -221 otherwise.
// A failed solve, or a non-finite voltage or update, becomes -200 with the error id; a clock that
// fails changes nothing, the cycles before it stand. Not thread-safe: one command at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "drivers/scpi/command_tree.hpp"
#include "drivers/scpi/data_format.hpp"
#include "drivers/scpi/status.hpp"
#include "emulator/bench/bench.hpp"
#include "emulator/learning/rng.hpp"
#include "emulator/learning/update.hpp"
#include "emulator/sim/state.hpp"

namespace spiceloop::standins {

struct LearningNetworkOptions {
  std::string serial = "SL-LEARN-0001";
  std::string firmware = "0.1";
  double eta = 0.5;             // CL / SIGN clamp factor after *RST
  double beta_siemens = 1e-5;   // EP nudge after *RST
  double alpha = 1e-5;          // learning rate after *RST
  int max_clocks = 100000;      // per LEARn:CLOCk command (the server waits for it)
};

enum class NetworkRule { CoupledLearning, EquilibriumPropagation, Sign };

class LearningNetwork {
 public:
  LearningNetwork(Bench& bench, LearningNetworkOptions options = {});
  LearningNetwork(const LearningNetwork&) = delete;  // the tree's handlers hold `this`
  LearningNetwork& operator=(const LearningNetwork&) = delete;

  scpi::CommandTree& tree() { return tree_; }
  scpi::Status& status() { return status_; }
  Bench& bench() { return bench_; }
  void reset();

  // The same operations the commands run. Setters and clock() throw scpi::Error for a refused
  // setting (codes as listed above) and spiceloop::Error for a failed solve.
  void set_rule(NetworkRule rule);
  NetworkRule rule() const { return rule_; }
  void set_eta(double eta);
  double eta() const { return eta_; }
  void set_beta(double beta_siemens);
  double beta() const { return beta_; }
  void set_alpha(double alpha);
  double alpha() const { return alpha_; }
  void set_target(int output, double volts);       // output 1..n
  const std::vector<double>& targets() const { return targets_; }
  void clock(int cycles = 1);
  std::int64_t clock_count() const { return clocks_; }
  double cost();
  // The twin of the last clock, or a fresh twin solve if anything changed since.
  const TwinState& twin();
  // Conductance factors of the second copy against the free copy (1 + m z_j), one per edge.
  const std::vector<double>& twin_factors();

 private:
  struct Key {
    std::vector<double> inputs, siemens, targets, factors;
    double eta = 0, beta = 0;
    NetworkRule rule = NetworkRule::CoupledLearning;
    bool operator==(const Key&) const = default;
  };
  void register_commands();
  Drive free_drive();
  Key key();
  TwinState solve_twin();

  Bench& bench_;
  LearningNetworkOptions options_;
  std::vector<Edge> preset_edges_;  // the network file's values, for EDGE:PRES
  NetworkRule rule_ = NetworkRule::CoupledLearning;
  double eta_ = 0.5, beta_ = 1e-5, alpha_ = 1e-5;
  std::vector<double> targets_;
  std::int64_t clocks_ = 0;
  Updater continuous_, sign_;
  Rng rng_;  // the Updater's draws (none with its defaults: no desync, no stochastic rounding)
  std::optional<TwinState> twin_;
  Key twin_key_;
  std::vector<double> factors_;
  std::optional<std::pair<std::uint64_t, double>> factors_for_;  // (seed, mismatch)
  scpi::Status status_;
  scpi::CommandTree tree_;
  scpi::DataFormat format_;
};

}  // namespace spiceloop::standins
