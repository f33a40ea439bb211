// Newton iteration for networks with diode edges, on the same reduced nodal system as the linear
// solve. Each diode is replaced by its companion model (slope g_d and offset current at its present
// junction voltage) and the junction voltage is limited between iterations by SPICE's pnjlim, so
// the exponential cannot overflow. The converged point does not depend on the limiter, only the
// path to it does.
// Diode law: I = is_amps * (exp(V / (emission * kThermalVolts)) - 1), V = V_anode - V_cathode.
// No gmin is added (the ideal solver models the network as drawn); a node held only by
// reverse-biased diodes is therefore poorly determined and may fail to converge.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "emulator/network/network.hpp"
#include "emulator/sim/simulator.hpp"
#include "emulator/solver/nodal_system.hpp"

namespace spiceloop {

// Solves KCL on sys with resistor/digipot conductances from net.edges[j].siemens. node_volts
// carries held voltages on entry and the solution on return; inject_amps is per node (empty =
// none). Converged when every free node moved by <= reltol * |V| + vntol_volts, every diode's
// companion current matches its law to reltol * |I| + abstol_amps, and no junction was limited;
// or, when those tolerances lie below rounding, once steps under 1e-7 * (1 V + max |V|) stop
// shrinking. Returns the iterations used; throws SimulationError "solver.no_convergence" after
// options.newton_max_iterations, or at once if a junction is driven to where exp() overflows (a
// diode-only path across the sources). `where` names the phase in the error.
int solve_with_diodes(NodalSystem& sys, const Network& net, std::vector<double>& node_volts,
                      std::span<const double> inject_amps, const SolverOptions& options,
                      const std::string& where);

// The junction voltage limiter: SPICE3's DEVpnjlim forward branch (the step from v_old to v_new,
// shortened to a logarithmic one above v_crit) plus ngspice's bound on large reverse steps.
// Recent ngspice uses another forward formula; the solution reached is the same.
// nvt = emission * kThermalVolts.
double limit_junction_volts(double v_new, double v_old, double nvt, double v_crit, bool& limited);

// Rounding sets a floor under Newton's steps near the solution (about eps * cond * |V|); tolerances
// below it are met by accepting a step that is already tiny and has stopped contracting.
bool at_rounding_floor(int iteration, double worst_step, double previous_step, double largest_volts);

}  // namespace spiceloop
