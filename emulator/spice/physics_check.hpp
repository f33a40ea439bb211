// The parent's own judgement of every ngspice answer, independent of what ngspice printed:
// all node voltages finite; within the range the sources span (a passive network of monotone
// elements cannot leave it; injected nudge currents widen it by at most sum|I| * sum R for linear
// networks); and KCL holding at every floating node for the circuit ngspice solved (diodes
// with ngspice's gmin across each junction) to kcl_tolerance * max|edge current| + abstol.
// A failure throws SimulationError "spice.physics_check" carrying the given ngspice lines.
#pragma once

#include <string>
#include <vector>

#include "emulator/network/network.hpp"
#include "emulator/sim/simulator.hpp"
#include "emulator/sim/state.hpp"

namespace spiceloop {

// kT/q at 27 C as ngspice 39 computes it; network.hpp's kThermalVolts uses the same constants, and
// this name stays so the check says which circuit it judges.
inline constexpr double kNgspiceThermalVolts = kThermalVolts;

struct VoltageBounds {
  double lo_volts = 0.0;
  double hi_volts = 0.0;
  bool bounded = true;  // false: only finiteness is checked (nudged networks with diodes)
};

// Bounds for a phase's (free) copy; twin_clamped_copy = true for the clamped copy of a twin.
VoltageBounds voltage_bounds(const Network& net, const Drive& drive, bool twin_clamped_copy = false);

// Max |net current| (amperes) at a floating node of the circuit ngspice solves (diodes by
// ngspice's law: kNgspiceThermalVolts, gmin across the junction); the largest edge current goes
// to *max_edge_amps.
double spice_kcl_residual_amps(const Network& net, const State& s, double gmin_siemens,
                               const std::vector<double>& nudge_amps, bool outputs_held,
                               double* max_edge_amps = nullptr);

void check_physics(const Network& net, const State& s, const VoltageBounds& bounds,
                   const SolverOptions& options, const std::vector<double>& nudge_amps,
                   bool outputs_held, const std::string& where,
                   const std::vector<std::string>& simulator_lines);

}  // namespace spiceloop
