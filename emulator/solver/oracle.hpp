// The theory oracle for linear networks with voltage-source inputs (DOMAIN.md sections 2-3): the
// exact loss gradient, the output conductance matrix H and the output Jacobian J, from the same
// sparse factorisations the ideal backend uses. It is the reference CL, EP and the ngspice
// backend are measured against.
//
// Conventions (units: volts, siemens, amperes):
//   L = 1/2 |T - V_O^F|^2 (V^2), r = T - V_O^F (V).
//   dloss_dsiemens[j] = dL/dk_j, the true gradient (descent moves k along MINUS it):
//     dL/dk_j = dV^F_j * dz_j, dV_j = V_a - V_b, where z is the node response with every source
//     zeroed (inputs grounded) to a current +r injected INTO the outputs. Checked against central
//     differences in tests/solver/oracle_gradient_test.cpp.
//   H (outputs x outputs, S): with inputs grounded and outputs held at V_O, the currents the output
//     sources deliver INTO the outputs are H V_O. H is the Schur complement of the reduced
//     Laplacian onto the outputs; symmetric positive definite when every output reaches ground or
//     an input.
//   J (outputs x edges, V/S): J[o][j] = dV_O[o] / dk_j in the free state; dL/dk = -J^T r.
// Costs: the free state and the gradient share one factorisation (two back-substitutions).
// H and H^{-1} take one solve per output and are cached until the conductances change (the
// references they return are valid until the next set_conductances). J takes one solve per output.
// The free voltages at the network's own inputs and the response to a unit current into each
// output are cached too, until the conductances change: loss_gradient, H^{-1} and J at the same
// conductances share them (the same solves, so the same bits as solving each time).
#pragma once

#include <Eigen/Dense>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "emulator/network/network.hpp"
#include "emulator/sim/drive_checks.hpp"
#include "emulator/sim/state.hpp"
#include "emulator/solver/nodal_system.hpp"

namespace spiceloop {

struct LossGradient {
  double loss = 0.0;                   // L, V^2
  std::vector<double> residual;        // r = T - V_O^F, per output
  std::vector<double> dloss_dsiemens;  // dL/dk_j, V^2/S, per edge
  State free;                          // the free state the gradient was taken at
};

class Oracle {
 public:
  // Throws InputError "oracle.nonlinear" for a network with diodes (and the checks of
  // emulator/sim/drive_checks.hpp for a malformed one or bad conductances).
  explicit Oracle(const Network& net);

  void set_conductances(std::span<const double> siemens);
  const Network& network() const { return net_; }

  // input_volts: one per network input; empty = the network's own values.
  State free_state(std::span<const double> input_volts = {});
  LossGradient loss_gradient(std::span<const double> input_volts, std::span<const double> targets);
  // The same loss, residual and gradient at the network's own inputs, bit for bit, without the
  // free State (its currents, power and KCL check, which a sweep's every step does not read):
  // `free` is left empty.
  LossGradient loss_gradient_only(std::span<const double> targets);

  const Eigen::MatrixXd& output_conductance();  // H, S
  const Eigen::MatrixXd& output_resistance();  // H^{-1}, ohms, solved directly (not by inverting H)
  Eigen::MatrixXd output_jacobian(std::span<const double> input_volts = {});  // J, V/S

 private:
  NodalSystem& system(bool outputs_held);
  std::vector<double> free_volts(std::span<const double> input_volts);
  // Node voltages with inputs grounded and current inject_amps[o] into each output o.
  std::vector<double> output_response(std::span<const double> inject_amps);
  // free_volts({}) and output_response(e_o), computed once per set of conductances.
  const std::vector<double>& own_free_volts();
  const std::vector<double>& unit_response(int output);

  Network net_;
  std::vector<double> siemens_;  // net_'s conductances, which the nodal systems read
  NetworkShape shape_;  // for the conductance checks
  // Held by pointer: Eigen factorisations cannot move, and the owner should.
  std::unique_ptr<NodalSystem> free_system_, clamped_system_;
  bool free_stale_ = true, clamped_stale_ = true;
  std::optional<Eigen::MatrixXd> conductance_, resistance_;
  std::optional<std::vector<double>> own_free_volts_;
  std::vector<std::vector<double>> unit_response_;  // per output; empty until asked for
};

// r^T M r and r^T H^{-1} r (H symmetric positive definite; dense LDLT, outputs are few).
double quadratic_form(const Eigen::MatrixXd& m, std::span<const double> r);
double inverse_quadratic_form(const Eigen::MatrixXd& h, std::span<const double> r);

}  // namespace spiceloop
