// Learning rules: from the free state and the nudged state(s) of one sample, the per-edge descent
// signal g with dk = alpha g (in conductance; update.hpp turns it into a step in another
// parameter, taps or signs). DOMAIN.md section 2.
//
// Factor convention, named in every output file:
//   Code  g = -(1 / nu) [(dV^nu)^2 - (dV^F)^2]        (published CL code; nu = eta or beta)
//   Half  g = -(1 / 2 nu) [(dV^nu)^2 - (dV^F)^2]      (EP with beta -> 0 is exactly -dL/dk)
// Centered EP replaces (dV^nu)^2 - (dV^F)^2 by [(dV^+beta)^2 - (dV^-beta)^2] / 2.
//
// Phases: CL clamps each output at V_F + eta (T - V_F) (eta in (0, 1], dimensionless);
// EP injects the fixed current beta (T - V_F) into each output (beta in siemens).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "emulator/network/network.hpp"
#include "emulator/sim/simulator.hpp"

namespace spiceloop {

enum class RuleKind { CoupledLearning, EquilibriumPropagation, CenteredEquilibriumPropagation };
enum class FactorConvention { Code, Half };

const char* rule_name(RuleKind k);              // "cl", "ep", "ep_centered"
const char* convention_name(FactorConvention c);  // "code", "half"

struct RuleSpec {
  RuleKind kind = RuleKind::CoupledLearning;
  double nudge = 0.5;  // eta for CL, beta (siemens) for EP
  FactorConvention convention = FactorConvention::Code;
  bool twin = false;   // CL only: free and clamped from one solve of the twin circuit

  // The factor c in g = -(c / nu) [...]: 1 (code) or 1/2 (half).
  double factor() const { return convention == FactorConvention::Code ? 1.0 : 0.5; }
};

// Residual r = T - V_O of a state, one per output.
std::vector<double> output_residual(const Network& net, const State& s, std::span<const double> targets);
void output_residual(const Network& net, std::span<const double> node_volts, std::span<const double> targets,
                     std::span<double> residual);

// The drives of the nudged phase(s) of one sample: one for CL and EP, two (+beta, -beta) for
// centered EP. free_drive carries the sample's input voltages.
std::vector<Drive> nudged_drives(const RuleSpec& rule, const Network& net, const Drive& free_drive,
                                 const State& free, std::span<const double> targets);

// nudged_drives() written into out (one drive, or two for centered EP) from the free state's node
// voltages, reusing the drives' storage: for a loop that builds them at every step.
void set_nudged_drives(const RuleSpec& rule, const Network& net, const Drive& free_drive,
                       std::span<const double> free_volts, std::span<const double> targets, std::span<Drive> out);
std::size_t nudged_drive_count(const RuleSpec& rule);  // 1, or 2 for centered EP

// Adds weight * g to signal (one entry per edge; non-trainable and diode edges get 0).
void accumulate_signal(const RuleSpec& rule, const Network& net, const State& free,
                       std::span<const State> nudged, double weight, std::span<double> signal);

// The exact finite-nudge identity (linear networks, voltage-source inputs, every edge trainable):
//   2 k . dk = -identity_factor(rule) * alpha * nu * S,   S = r^T H r (CL), r^T H^-1 r (EP), 0 (centered)
// identity_factor is 2 for the code convention and 1 for the half convention.
double identity_factor(const RuleSpec& rule);

// The phase whose power gives S for one residual r: outputs clamped at r (CL) or current r injected
// (EP), inputs grounded. S is that state's power_watts. Centered EP has no such phase.
Drive identity_drive(const RuleSpec& rule, const Network& net, std::span<const double> residual);
void set_identity_drive(const RuleSpec& rule, const Network& net, std::span<const double> residual, Drive& out);

// Implementations, one file per rule family.
namespace cl {
Drive clamped_drive(double eta, const Network& net, const Drive& free_drive, const State& free,
                    std::span<const double> targets);
void set_clamped_drive(double eta, const Network& net, const Drive& free_drive, std::span<const double> free_volts,
                       std::span<const double> targets, Drive& out);
void accumulate(double eta, double c, const Network& net, const State& free, const State& clamped,
                double weight, std::span<double> signal);
}  // namespace cl

namespace ep {
Drive nudged_drive(double beta, const Network& net, const Drive& free_drive, const State& free,
                   std::span<const double> targets);
void set_nudged_drive(double beta, const Network& net, const Drive& free_drive, std::span<const double> free_volts,
                      std::span<const double> targets, Drive& out);
void accumulate(double beta, double c, const Network& net, const State& free, const State& nudged,
                double weight, std::span<double> signal);
void accumulate_centered(double beta, double c, const Network& net, const State& plus,
                         const State& minus, double weight, std::span<double> signal);
}  // namespace ep

}  // namespace spiceloop
