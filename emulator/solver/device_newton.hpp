// Newton iteration for networks with transistor or sinh-read memristor edges (and any resistors,
// digipots and diodes), and the exact loss gradient at its solution by the implicit function theorem.
//
// A transistor's current depends on both end voltages separately, not on their difference
// (transistor.hpp), so its Jacobian stamp is not symmetric and the reduced nodal matrix is not the
// symmetric positive definite one of nodal_system.hpp: here it is assembled in full and solved by
// sparse LU (symbolic analysis once per held set). Each iteration linearises every element at the
// present iterate (a diode at its pnjlim-limited junction voltage, as diode_newton.hpp does) and
// solves for the next node voltages, as SPICE does. Convergence: every free node moved by
// <= reltol |V| + vntol_volts and every nonlinear element's linearised current matches its law to
// reltol |I| + abstol_amps, with no junction limited; or steps at rounding level that stopped
// shrinking. Each transistor terminal leaks options.gmin_siemens to the body (ground), as ngspice
// puts gmin across the channel-to-body junctions of its MOSFET (deck.hpp): so both backends solve
// one circuit, and an iterate that cuts off every channel around a node stays solvable (the leak
// is 1e-12 S by default, 1e-8 of a lab transistor's conductance). With gmin_siemens = 0 such a
// node has no defined voltage and fails as "solver.singular", naming it.
//
// Gradient: with F(V, p) = 0 the KCL of the free nodes and p the edge values (conductance of a
// resistor or digipot, gate voltage of a transistor), dV/dp = -A^-1 dF/dp, A = dF/dV; so for
// L = 1/2 |T - V_O|^2 and lambda solving A^T lambda = r (r = T - V_O placed at the outputs),
// dL/dp_j = (lambda_a - lambda_b) dI_j/dp_j (held nodes have lambda = 0). Units: V^2/S for a
// conductance, V for a gate voltage.
#pragma once

#include <Eigen/SparseCore>
#include <Eigen/SparseLU>
#include <span>
#include <string>
#include <vector>

#include "emulator/network/network.hpp"
#include "emulator/sim/simulator.hpp"

namespace spiceloop {

class DeviceNewton {
 public:
  // held[v] != 0 marks a node whose voltage is given; node 0 is always held.
  DeviceNewton(const Network& net, std::vector<char> held);

  // node_volts carries the held voltages on entry and the solution on return; inject_amps is per
  // node (empty = none), current INTO the node. Returns the iterations used. Throws
  // SimulationError "solver.no_convergence" (naming the worst node) or "solver.singular".
  int solve(const Network& net, std::vector<double>& node_volts, std::span<const double> inject_amps,
            const SolverOptions& options, const std::string& where);

  // dL/dp per edge at a solution node_volts of this held set (0 for diodes), for residuals
  // r_o = T_o - V_o at the network's outputs, which must float in this held set.
  std::vector<double> loss_gradient(const Network& net, const std::vector<double>& node_volts,
                                    std::span<const double> residual, double gmin_siemens);

 private:
  // The Jacobian of the free nodes' KCL at node_volts (diodes at junction_volts), its right-hand
  // side for the next iterate, and each edge's linearised branch.
  void assemble(const Network& net, const std::vector<double>& node_volts, std::span<const double> inject_amps,
                const std::vector<double>& junction_volts, double gmin_siemens);
  void factorize(const std::string& where);

  std::vector<char> held_;
  std::vector<int> free_index_, free_nodes_;
  std::vector<std::string> node_names_;
  std::vector<Eigen::Triplet<double>> triplets_;
  Eigen::SparseMatrix<double> matrix_;
  Eigen::SparseLU<Eigen::SparseMatrix<double>> lu_;
  bool analysed_ = false;
  Eigen::VectorXd rhs_;
  // Per edge, the branch i = i0 + ga (V_a - V_a0) + gb (V_b - V_b0) at the last assembly.
  std::vector<double> i0_, ga_, gb_, va0_, vb0_;
};

}  // namespace spiceloop
