// One learning window of the ODE (ode_run.hpp, imperfect_ode.hpp): Boost.Odeint's controlled
// Dormand-Prince 5(4) at the experiment's reltol (absolute tolerance reltol times the largest
// parameter), run over each piece of the window (Machine::window_corners: rise, top, fall; or rise
// and open to the period's end for continuous learning) apart, so that no step crosses a corner.
#pragma once

#include <boost/numeric/odeint.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "emulator/dynamics/machine.hpp"

namespace spiceloop {

inline auto make_window_stepper(const Machine& m, const std::vector<double>& p) {
  double size = 0.0;
  for (double x : p) size = std::max(size, std::abs(x));
  const double rel = m.config.tolerances.reltol;
  return boost::numeric::odeint::make_controlled(rel * size, rel,
                                                 boost::numeric::odeint::runge_kutta_dopri5<std::vector<double>>());
}

// Integrates rhs over period's window; returns the steps taken.
template <class Stepper, class Rhs>
std::int64_t integrate_window(const Machine& m, std::int64_t period, Stepper& stepper, Rhs& rhs,
                              std::vector<double>& p) {
  const std::vector<double> corners = m.window_corners(period);
  std::int64_t steps = 0;
  for (size_t k = 0; k + 1 < corners.size(); ++k)
    steps += static_cast<std::int64_t>(boost::numeric::odeint::integrate_adaptive(
        stepper, rhs, p, corners[k], corners[k + 1], (corners[k + 1] - corners[k]) / 8));
  return steps;
}

}  // namespace spiceloop
