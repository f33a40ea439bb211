// The twin learning clock of the self-learning network (Dillavou et al., Phys. Rev. Applied 18,
// 014040, 2022): twin free/clamped copies of the Bench's network that update their own edges on a
// global clock. The edges are the Bench's: every update goes through Bench::update_edges, so the
// scanner and the digipot board measure the learned values. The inputs are the Bench's regulated
// drive (what the source channels hold); the twins clamp the outputs themselves, so the source's
// clamp channels must be OFF.
//
// One clock cycle: the twin solve (free copy = Bench::truth(); second copy with outputs held at
// (1 - eta) V_F + eta T for CL, as Simulator::solve_twin forms it, or with the current
// beta (T - V_F) injected into each output for EP), the rule's signal (emulator/learning/rules/rule.hpp,
// code convention, unit weight), then one Updater step (update.hpp) of every trainable edge:
// continuous in conductance (digipots take their nearest tap), or one tap towards sign(g) for the
// sign rule (CL's signal; every trainable edge a digipot). This is exactly the in-process Trainer's
// step with batch size 1, twin CL, conductance parameter, bit for bit.
// Twin mismatch (Realism::twin_mismatch): the second copy's conductances are the true ones times
// (1 + m z_j), z_j standard normal drawn once per seed from a generator of its own (so that noise
// readings taken earlier never shift them), floored at 0.05. twin() and cost() are exact solves.
//
// Units: eta dimensionless in (0, 1]; beta in siemens in (0, 1]; alpha in [0, 1] (CL: S/V^2, EP:
// S^2/V^2; the sign rule ignores it); targets volts within +/-kMaxAbsVolts. A refused setting is
// ClockRefused (nothing changes); a failed solve SimulationError; a non-finite voltage or update
// SimulationError "network.non_finite" before any edge changes (the cycles before it stand).
// Not thread-safe: one call at a time. tick() may be interrupted between cycles: each cycle (twin
// solve and the update of every edge) is whole, so whoever holds the bench between two cycles
// sees the edges of the last one; `interrupted` may release and retake the caller's lock there.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "emulator/bench/bench.hpp"
#include "emulator/core/random.hpp"
#include "emulator/learning/rules/rule.hpp"
#include "emulator/learning/rules/update.hpp"
#include "emulator/sim/state.hpp"

namespace spiceloop {

// What reset() restores.
struct LearningClockSettings {
  double eta = 0.5;            // CL clamp factor
  double beta_siemens = 1e-5;  // EP nudge
  double alpha = 1e-5;         // learning rate
};

// A setting the clock refuses: outside its range, or in conflict with the bench.
class ClockRefused : public std::invalid_argument {
 public:
  enum class Why { OutOfRange, Conflict };
  ClockRefused(Why why, const std::string& what) : std::invalid_argument(what), why_(why) {}
  Why why() const { return why_; }

 private:
  Why why_;
};

// The conductances an edge may be set to: the bounds the clock learns within, inside the network's
// limits (siemens, low then high).
std::pair<double, double> settable_siemens(const Edge& e);

class LearningClock {
 public:
  explicit LearningClock(Bench& bench, LearningClockSettings defaults = {});
  LearningClock(const LearningClock&) = delete;
  LearningClock& operator=(const LearningClock&) = delete;

  // The defaults, CL continuous, targets 0 V, count 0; the edges keep their values.
  void reset();

  // CL or EP with continuous updates, or CL with UpdateMode::Sign (one tap per clock). Centered EP
  // and quantised updates are std::invalid_argument; the sign rule on a trainable resistor is
  // ClockRefused Conflict.
  void set_rule(RuleKind kind, UpdateMode update);
  RuleKind rule() const { return kind_; }
  UpdateMode update_mode() const { return update_; }
  void set_eta(double eta);
  double eta() const { return eta_; }
  void set_beta(double beta_siemens);
  double beta() const { return beta_; }
  void set_alpha(double alpha);
  double alpha() const { return alpha_; }
  void set_target(int output, double volts);  // output 1..n
  const std::vector<double>& targets() const { return targets_; }

  // Runs `cycles` (>= 1) clock cycles; before each, `interrupted` (if given) may stop the clock
  // there. Returns the cycles run: fewer than asked only when interrupted.
  int tick(int cycles = 1, const std::function<bool()>& interrupted = {});
  std::int64_t count() const { return clocks_; }
  // Sum over outputs of (V_F - T)^2 / 2 at the present edges and inputs.
  double cost();
  // The twin of the last cycle, or a fresh twin solve if anything changed since.
  const TwinState& twin();
  // Conductance factors of the second copy against the free copy (1 + m z_j), one per edge.
  const std::vector<double>& twin_factors();

 private:
  struct Key {
    std::vector<double> inputs, siemens, targets, factors;
    double eta = 0, beta = 0;
    RuleKind kind = RuleKind::CoupledLearning;
    UpdateMode update = UpdateMode::Continuous;
    bool operator==(const Key&) const = default;
  };
  Drive free_drive();
  Key key();
  TwinState solve_twin();

  Bench& bench_;
  LearningClockSettings defaults_;
  RuleKind kind_ = RuleKind::CoupledLearning;
  UpdateMode update_ = UpdateMode::Continuous;
  double eta_ = 0.5, beta_ = 1e-5, alpha_ = 1e-5;
  std::vector<double> targets_;
  std::int64_t clocks_ = 0;
  Updater continuous_, sign_;
  Rng rng_;  // the Updater's draws (none with its defaults: no desync, no stochastic rounding)
  std::optional<TwinState> twin_;
  Key twin_key_;
  std::vector<double> factors_;
  std::optional<std::pair<std::uint64_t, double>> factors_for_;  // (seed, mismatch)
};

}  // namespace spiceloop
