// The imperfect learning machine on the ideal backend (imperfection.hpp): the ODE of ode_run.hpp with
// the free and clamped copies solved apart (the clamped copy with its own mismatched edges, at the
// standard or the overclamped target), each parameter's bias drift I_j / C_learn added at all times
// (between windows it is integrated exactly: p grows by b_j times the gap), and the rate scaled by the
// error's size when overclamping. Rows, loss and Q as ode_run.hpp; run_on_ideal calls this when
// Imperfection::changes_flow().
#pragma once

#include "emulator/dynamics/machine.hpp"
#include "emulator/dynamics/trajectory.hpp"

namespace spiceloop {

Trajectory run_imperfect_on_ideal(const Machine& m);

}  // namespace spiceloop
