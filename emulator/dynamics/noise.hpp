// Johnson noise in the learning machine in time (issue 12c): the physics both backends share, and the
// fluctuation prediction for Q it is measured against.
//
// Model. Across every resistor edge j of both copies, a current noise whose two-sided spectral density
// is 2 k T_eff G_j (single-sided 4 k T_eff G_j, Johnson-Nyquist), T_eff = noise_kelvin * noise_gain, G_j
// the edge's present conductance. Both backends realise it as an independent Gaussian held for one
// noise timestep dt (noise_seconds): variance 2 k T_eff G_j / dt, whose spectrum is flat at
// 2 k T_eff G_j up to about 1 / (2 dt) (measured in ngspice against k T / C on one R || C:
// tests/dynamics/noise_test.cpp). The window (>= 10 dt) averages many values, so the parameters feel
// only that flat part: what moves them does not depend on dt or on the node capacitance.
//
// Approximation (quasistatic nodes, small noise). The nodes follow the noise: node_farads / G is far
// below dt here, so at every instant the node voltages are the network's solution with the noise
// currents as extra sources (linear response, delta V = L^-1 B xi, L the reduced Laplacian). In the
// CL signal (c / eta)[(dV_F)^2 - (dV_C)^2] the noise enters linearly (2 dV delta dV) and
// quadratically ((delta dV)^2). The quadratic part is a drift of order (c / eta) <delta dV^2>, with
// <delta dV^2> ~ 2 k T_eff R / dt (the node noise's variance, so it depends on dt where the diffusion
// does not); its fluctuations are negligible against the linear part's while the node noise is much
// smaller than the edge voltages. To first order the parameter flow is then an overdamped Langevin
// SDE, d p = drift dt + sigma(p) dW; the prediction below is about sigma. Both backends keep the
// quadratic part (they take the rule at the noisy voltages); it is what costs Iris its accuracy.
//
// Prediction. The noise part of dQ/dt (Q = sum k_j^2, all edges learned resistors, voltage-source
// inputs) is 4 v_win rate (c / eta)[sum_j I_F,j delta dV_F,j - sum_j I_C,j delta dV_C,j], I the edge
// currents. By Tellegen's theorem sum_j I_j delta dV_j = sum_n delta V_n (current the sources inject
// into n): zero in the free copy (floating nodes inject nothing, sources hold their nodes), and in the
// clamped copy only the clamp's outputs count, which the clamp holds at delta V_C,o = (1 - eta)
// delta V_F,o while injecting eta H r (H the output conductance matrix, r = T - V_F). The free outputs'
// noise has two-sided density 2 k T_eff H^-1 (fluctuation-dissipation: the output block of L^-1). So
//   d Var(Q) / dt = 32 k T_eff (c (1 - eta) rate)^2 v_win(t)^2 r^T H r,
// the same r^T H r that makes Q fall (dQ = -alpha eta identity_factor r^T H r per step, DOMAIN.md 3):
// every edge diffuses, but their fluctuations cancel in Q except through the clamp. Over one window,
// the integral of v_win^2 is window + 2 edge / 3.
#pragma once

#include <filesystem>
#include <vector>

#include "emulator/dynamics/machine.hpp"
#include "emulator/dynamics/trajectory.hpp"

namespace spiceloop {

inline constexpr double kBoltzmann = 1.380649e-23;  // J/K

// k T_eff (joules), 0 without noise.
double noise_energy(const DynamicsSpec& s);
// sqrt(2 k T_eff / dt): the rms current of an edge's noise per sqrt(siemens of the edge).
double noise_amps_per_root_siemens(const DynamicsSpec& s);

// Fills m.circuit's noise fields from m.spec (plan_machine calls it). Throws InputError
// dynamics.unsupported when the experiment asks for noise on a network with other edges than resistors.
void plan_noise(Machine& m);

// d Var(Q) / dt per unit v_win^2 at parameters p while sample s is presented (the formula above).
double q_variance_rate(const Machine& m, const std::vector<double>& p, const Sample& s);
// The integral of v_win^2 over one window.
double window_square_area(const DynamicsSpec& s);
// The predicted Var(Q) at every row of t: the sum over the periods before it of q_variance_rate at the
// parameters the period started from, times window_square_area.
std::vector<double> predicted_q_variance(const Machine& m, const Trajectory& t);

// noise_prediction.csv in dir: time_s, period, Q, predicted_var_Q per row of t. Returns its path.
std::filesystem::path write_noise_prediction(const Machine& m, const Trajectory& t, const std::filesystem::path& dir);

}  // namespace spiceloop
