// The step engine: one learning step per batch, against any Simulator. Files, checkpoints and
// progress are run.hpp's job; this class holds the state a checkpoint saves.
//
// A step: the free node voltages of the batch (one solve_nodes at fixed conductances), the nudged
// ones (one more; or, in twin mode, one solve_twin per sample giving both), then one pass over the
// edges (step_pass.hpp) for the mean descent signal g, the update (update.hpp), the invariants
// and the identity check of DOMAIN.md section 3 against the oracle: an exact backend
// (IdealSimulator) solving the same network, from which S = r^T H r (CL) or r^T H^-1 r (EP) is the
// power of the phase of rule.hpp's identity_drive. Every non-finite value stops the step with
// SimulationError "train.non_finite" before the network changes.
// Transistor networks have no exact identity; with an oracle that is a GradientSource the step
// reports instead the cosine of the rule's step to minus the exact gradient (dL/dV_G, averaged
// over the batch like the signal), and both conserved-quantity candidates (invariants.hpp).
// The element values live in flat per-edge arrays; network() brings the Network up to date when
// asked. After the first step, a step allocates nothing (its drives and buffers are kept).
// Shared by a Team (team.hpp), each rank solves its share of a batch's and an evaluation's samples
// and gathers the others' node voltages; everything after the solves runs on every rank alike.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "emulator/learning/run/checkpoint.hpp"
#include "emulator/learning/config.hpp"
#include "emulator/learning/rules/invariants.hpp"
#include "emulator/learning/rules/step_pass.hpp"
#include "emulator/core/random.hpp"
#include "emulator/learning/tasks/task.hpp"
#include "emulator/learning/team.hpp"
#include "emulator/learning/rules/update.hpp"
#include "emulator/sim/gradient_source.hpp"
#include "emulator/sim/simulator.hpp"

namespace spiceloop {

struct StepReport {
  std::int64_t step = 0;   // 1-based, over the whole run
  int epoch = 0;           // 1-based epoch the step belongs to
  double loss = 0.0;       // mean loss of the batch at its free states, before the update
  Invariants before, after;
  double k_dot_dk = 0.0;       // applied update (after mode, rates, desync, clipping)
  double k_dot_dk_rule = 0.0;  // alpha k . g: the rule's own conductance step
  // Identity (linear networks with an oracle; centered EP needs none): S averaged over the batch,
  // residual = 2 k . dk_rule + identity_factor alpha nu S, relative = |residual| / (identity_factor alpha nu S),
  // or, for centered EP where S = 0, |residual| / (2 |k| |dk_rule|).
  std::optional<double> identity_s, identity_residual, identity_relative;
  // Transistor networks: cos(alpha g, -dL/dp) over the trainable edges (with a GradientSource
  // oracle), and the batch mean of sum g_eff^2 at the free states before the update.
  std::optional<double> cos_gradient, sum_effective_siemens2;
  std::span<const double> signal;      // mean g per edge                  } the Trainer's own
  std::span<const double> dk;          // applied, per edge                } arrays, valid until
  std::span<const double> free_volts;  // the batch's first free state,    } its next step
                                       // per node (live views)
};

class Trainer {
 public:
  // Loads net into sim (and oracle); builds the data set. Throws InputError if the network does
  // not fit the config.
  Trainer(const TrainConfig& config, Network net, Simulator& sim, Simulator* oracle = nullptr);
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  // Before the first step or evaluation: solve only this rank's share of each batch (nullptr or a
  // team of one: every sample here). The team outlives the trainer.
  void share_with(Team* team) { team_ = team; }
  const ShareTimes& step_times() const { return step_times_; }
  const ShareTimes& evaluation_times() const { return evaluation_times_; }

  StepReport step();
  EvalRecord evaluate();

  bool done() const { return epoch_ >= config_.epochs; }
  bool epoch_just_ended() const { return batch_ == 0 && step_ > 0; }
  std::int64_t steps_done() const { return step_; }
  int epochs_done() const { return epoch_; }
  std::int64_t steps_per_epoch() const { return batches_per_epoch_; }

  const Network& network() const;  // the present element values
  const Dataset& dataset() const { return data_; }
  const TrainConfig& config() const { return config_; }
  const std::vector<double>& rate_factors() const { return updater_.rate_factors(); }
  Invariants invariants() const;

  // Ties checkpoints to config, initial network, data set and backend.
  const std::string& fingerprint() const { return fingerprint_; }
  // Drops the simulators' solve history (Simulator::reset_history): at each checkpoint, so that
  // the steps after it depend only on what the checkpoint holds.
  void reset_solver_history();
  Checkpoint save() const;  // hash, counters, order, rng, element values (caller adds the rest)
  // On a trainer that has not stepped; throws InputError checkpoint.* (checkpoint_checks.hpp).
  void restore(const Checkpoint& c);

 private:
  void push_conductances();
  Share my_share(std::size_t samples) const;
  bool shared() const;  // a team of more than one
  // This rank's drives solved into out's rows [first, first + drives.size()) (out sized by the
  // caller when shared; alone, drives are all of them and out is resized).
  void solve_rows(Simulator& sim, std::span<const Drive> drives, std::size_t first, NodeVoltages& out);
  // Rows of samples * per rows each, this rank's share filled: every rank's, in one collective.
  struct Gathered {
    NodeVoltages* rows;
    std::size_t per;  // rows a sample
  };
  void gather(std::size_t samples, std::span<const Gathered> arrays, ShareTimes& times);
  // Free node voltages into free_v_, nudged (or twin-clamped) ones into nudged_v_.
  void solve_phases();
  // After a step's pass: every trainable memristor ages (Updater::age_memristor), so its drift is
  // part of k_, dk_ and the invariants after the step; returns k . dk with the drift.
  double age_memristors();
  // The loss of node voltage rows against samples, and how many read as their class.
  double measure(const std::vector<Drive>& drives, const std::vector<Sample>& samples, int& correct);

  TrainConfig config_;
  mutable Network net_;  // structure; its values lag behind k_ and codes_ until network()
  mutable bool net_stale_ = false;
  Simulator& sim_;
  Simulator* oracle_;
  Dataset data_;
  Updater updater_;
  Rng rng_;
  StepPass pass_;  // refers to net_ and updater_
  // Per edge: the present and the next values (conductances; gate volts for a transistor) and
  // codes, the step's signal and dk, and (transistor networks, GradientSource oracle) the batch's
  // mean exact gradient.
  std::vector<double> k_, k_next_, signal_, dk_, gradient_sum_;
  std::vector<int> codes_, codes_next_;
  std::vector<unsigned char> programmed_;  // per edge, a memristor pulsed this step (empty without memristors)
  std::vector<int> pulses_;  // per edge, the pulses memristors were sent this step (empty: none trainable)
  std::optional<Invariants> invariants_;  // of k_, when the last step measured them
  // Kept between steps, so that a step allocates nothing.
  std::vector<const Sample*> batch_samples_;
  std::vector<Drive> free_drives_, nudged_drives_, identity_drives_, train_drives_, test_drives_;
  NodeVoltages free_v_, nudged_v_, identity_v_, eval_v_;
  std::vector<double> residual_;
  std::string fingerprint_;
  std::int64_t batches_per_epoch_ = 0;
  std::int64_t step_ = 0;
  int epoch_ = 0, batch_ = 0;
  std::vector<int> order_;
  bool identity_applies_ = false;
  bool transistors_ = false;
  GradientSource* gradient_ = nullptr;  // the oracle, when it can give the exact gradient
  Team* team_ = nullptr;
  NodeVoltages mine_;         // this rank's share of a shared solve
  std::vector<int> counts_;   // values per rank of a gather
  std::vector<double> packed_;  // a gather's values, rank after rank
  ShareTimes step_times_, evaluation_times_;
};

}  // namespace spiceloop
