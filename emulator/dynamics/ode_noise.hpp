// The learning machine in time with Johnson noise on the ideal backend (noise.hpp): the parameter flow
// as a Langevin equation, integrated by Euler-Maruyama on the noise's own timestep dt (noise_seconds),
// seeded by the Noise stream of noise_seed (emulator/core/random.hpp).
// Each step draws, per resistor edge and copy, a current xi ~ N(0, 2 k T_eff G / dt) held for the
// step, solves both copies with those currents across their edges (the nodes quasistatic, as in
// ode_run.hpp; the clamp driven from the noisy free outputs, as the circuit's controlled sources are),
// takes the CL signal at the noisy voltages and moves p by v_win(t_mid) rate g dt. What this keeps and
// what it drops against the ngspice circuit (finite node capacitance): noise.hpp.
// Each window is integrated alone, on a grid of whole steps from its opening (no motion outside it).
// The loss of a row is taken at the noise-free free state at the window's opening.
#pragma once

#include "emulator/dynamics/machine.hpp"
#include "emulator/dynamics/trajectory.hpp"

namespace spiceloop {

// m.spec.noisy() must hold (run_on_ideal calls it then).
Trajectory run_on_ideal_noisy(const Machine& m);

}  // namespace spiceloop
