// A learning step's per-edge work in one pass over the edges: each edge's descent signal from the
// free and nudged node voltages of the batch (rule.hpp's arithmetic, sample by sample), its update
// (update.hpp), and every sum the step reports: k . g, k . dk, the invariants after the update,
// and, when the oracle solved the identity phase, that phase's power per sample (S, rule.hpp).
// The pass reads flat per-edge arrays (endpoints, conductances, bounds), never Edge records, and
// writes the new conductances to a second array, so a step that fails (a non-finite signal or
// conductance) leaves the present ones untouched. Sums use invariants.hpp's lane order.
// When every trainable edge is a plainly updated resistor (Updater::plain) the pass runs eight
// edges at a time in vector registers (plain_pass.hpp); each lane does the scalar code's operations
// in its order (both files are compiled without floating-point contraction), so the results are the
// same on every machine.
// Transistor edges (their value is the gate voltage) and digipots take the edge-by-edge path.
// Units: siemens, volts; signal in V^2 (dk = alpha g).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "emulator/learning/rules/invariants.hpp"
#include "emulator/core/random.hpp"
#include "emulator/learning/rules/rule.hpp"
#include "emulator/learning/rules/update.hpp"
#include "emulator/network/network.hpp"
#include "emulator/sim/state.hpp"

namespace spiceloop {

struct StepPassInput {
  RuleSpec rule;
  double alpha = 0.0;
  std::size_t samples = 0;            // the batch
  const NodeVoltages* free = nullptr;    // one row per sample
  const NodeVoltages* nudged = nullptr;  // one row per sample, two (+beta, -beta) for centered EP
  const NodeVoltages* identity = nullptr;  // one row per sample, or null
};

struct StepPassSums {
  double k_dot_g = 0.0;   // present k . signal
  double k_dot_dk = 0.0;  // present k . applied dk
  double k_dot_k = 0.0, g_dot_g = 0.0;
  Invariants after;       // of the new conductances
  double identity_s = 0.0;  // sum over samples, in order, of weight * (identity power)
  bool signal_finite = true, conductances_finite = true;
};

// The new values of one step: conductances and digipot codes, written beside the present ones.
struct StepPassOutput {
  std::span<double> siemens, signal, dk;
  // A plain update (Updater::plain: no digipots) changes no code and leaves most of these as they
  // are: keep them equal to the present codes (the Trainer copies them when it sets them).
  std::span<int> codes;
  // Per edge, whether a memristor took pulses (Updater::step_edge); empty when the network has no
  // trainable memristor. Their drift comes after the pass (Updater::age_memristor).
  std::span<unsigned char> programmed;
  // Per edge, the signed pulses a memristor was sent (0 for others); empty when not wanted.
  std::span<int> pulses = {};
};

class StepPass {
 public:
  // net's structure (endpoints, which edges train, digipot geometry) and updater are kept by
  // reference: both must outlive the pass.
  StepPass(const Network& net, const Updater& updater);

  StepPassSums run(const StepPassInput& in, std::span<const double> siemens, std::span<const int> codes,
                   const StepPassOutput& out, Rng& rng);

 private:
  double edge_signal(const StepPassInput& in, double scale, std::size_t j) const;
  // Edge j's new value into the invariants after the step (a transistor's by its gate overdrive).
  void add_after(InvariantLanes& after, std::size_t j, double value, bool unit_rates) const;

  const Network& net_;
  const Updater& updater_;
  std::vector<int> a_, b_;
  std::vector<unsigned char> trains_;  // trainable with a value (a conductance or a gate voltage)
  std::vector<unsigned char> kinds_;   // block_node_kinds(a_, b_)
  bool uniform_bounds_ = false;        // every trainable edge has the bounds of the first one,
  std::size_t bounds_first_ = 0;       // this one
  // Workspace: per sample, the identity power lanes.
  std::vector<LaneSum> power_;
  std::vector<double> power_lanes_;
};

}  // namespace spiceloop
