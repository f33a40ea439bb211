#include "emulator/solver/diode_newton.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "emulator/core/error.hpp"

namespace spiceloop {

bool at_rounding_floor(int iteration, double worst_step, double previous_step, double largest_volts) {
  return iteration > 2 && worst_step <= 1e-7 * (1.0 + largest_volts) && worst_step >= 0.25 * previous_step;
}

double limit_junction_volts(double v_new, double v_old, double nvt, double v_crit, bool& limited) {
  limited = false;
  if (v_new > v_crit && std::abs(v_new - v_old) > 2.0 * nvt) {
    limited = true;
    if (v_old > 0.0) {
      const double arg = 1.0 + (v_new - v_old) / nvt;
      return arg > 0.0 ? v_old + nvt * std::log(arg) : v_crit;
    }
    return nvt * std::log(v_new / nvt);
  }
  if (v_new < 0.0) {
    // ngspice also bounds large reverse steps, which keeps a junction from swinging back and forth.
    const double floor = v_old > 0.0 ? -1.0 - v_old : 2.0 * v_old - 1.0;
    if (v_new < floor) {
      limited = true;
      return floor;
    }
  }
  return v_new;
}

int solve_with_diodes(NodalSystem& sys, const Network& net, std::vector<double>& node_volts,
                      std::span<const double> inject_amps, const SolverOptions& options,
                      const std::string& where) {
  const int m = net.edge_count();
  std::vector<double> nvt(m, 0.0), v_crit(m, 0.0), junction(m, 0.0);
  std::vector<double> slope(m, 0.0), offset(m, 0.0);
  // Diodes between two held nodes have a known junction voltage and do not enter the system.
  std::vector<int> diodes;
  for (int j = 0; j < m; ++j) {
    const Edge& e = net.edges[j];
    if (e.is_linear()) {
      slope[j] = e.siemens;
      continue;
    }
    if (sys.is_held(e.a) && sys.is_held(e.b)) continue;
    diodes.push_back(j);
    nvt[j] = e.emission * kThermalVolts;
    v_crit[j] = nvt[j] * std::log(nvt[j] / (std::sqrt(2.0) * e.is_amps));
    junction[j] = v_crit[j];  // SPICE's MODEINITJCT starting point for a diode that is not "off"
  }

  std::vector<double> volts = node_volts;
  for (int v = 0; v < sys.node_count(); ++v)
    if (!sys.is_held(v)) volts[v] = 0.0;
  std::vector<double> next;
  double worst_step = 0.0, previous_step = INFINITY;
  int worst_node = 0;
  for (int iteration = 1; iteration <= options.newton_max_iterations; ++iteration) {
    for (int j : diodes) {
      const Edge& e = net.edges[j];
      const double ex = std::exp(junction[j] / nvt[j]);
      if (!std::isfinite(ex))
        throw SimulationError(
            "solver.no_convergence", where,
            fmt::format("diode '{}' was driven to {:g} V, where its current overflows: a path of "
                        "diodes across the sources needs series resistance",
                        e.name, junction[j]));
      slope[j] = e.is_amps * ex / nvt[j];
      offset[j] = e.is_amps * std::expm1(junction[j] / nvt[j]) - slope[j] * junction[j];
    }
    sys.set_edge_siemens(slope);
    next = volts;
    sys.solve(next, inject_amps, offset);

    bool converged = true, limited_any = false;
    previous_step = worst_step;
    worst_step = 0.0;
    double largest_volts = 0.0;
    for (int v = 1; v < sys.node_count(); ++v) {
      if (sys.is_held(v)) continue;
      const double step = std::abs(next[v] - volts[v]);
      if (!std::isfinite(next[v])) {
        converged = false;
        worst_step = INFINITY;
        worst_node = v;
        continue;
      }
      if (step > worst_step) worst_step = step, worst_node = v;
      largest_volts = std::max(largest_volts, std::abs(next[v]));
      if (step >
          options.reltol * std::max(std::abs(next[v]), std::abs(volts[v])) + options.vntol_volts)
        converged = false;
    }
    for (int j : diodes) {
      const Edge& e = net.edges[j];
      const double raw = next[e.a] - next[e.b];
      const double predicted = slope[j] * raw + offset[j];
      const double actual = e.is_amps * std::expm1(raw / nvt[j]);
      if (!(std::abs(actual - predicted) <=
            options.reltol * std::max(std::abs(actual), std::abs(predicted)) + options.abstol_amps))
        converged = false;
      bool limited = false;
      junction[j] = limit_junction_volts(raw, junction[j], nvt[j], v_crit[j], limited);
      limited_any = limited_any || limited;
    }
    converged = !limited_any && (converged || at_rounding_floor(iteration, worst_step, previous_step, largest_volts));
    volts.swap(next);
    if (converged) {
      node_volts = volts;
      return iteration;
    }
  }
  throw SimulationError(
      "solver.no_convergence", where,
      fmt::format("Newton iteration on the diode network did not converge in {} iterations (last "
                  "step {:g} V at node '{}'); raise newton_max_iterations or check for nodes held "
                  "only by reverse-biased diodes",
                  options.newton_max_iterations, worst_step, net.node_names[worst_node]));
}

}  // namespace spiceloop
