// The ideal backend: the network exactly as drawn (ideal sources, no gmin but ngspice's at transistor
// bodies, no wire parasitics
// beyond the edges given), solved by sparse LDLT of the reduced nodal matrix (nodal_system.hpp).
// Linear networks are one factorisation per (conductances, held set) and one back-substitution
// per solve, so solve_batch at fixed conductances costs a solve per drive and no refactorisation,
// and solve_nodes answers a whole batch as one multi-right-hand-side solve, allocating nothing
// once its buffers have grown (its checks: finite voltages and the backward error of the solve,
// against kcl_tolerance; a State's per-edge KCL check is for the calls that build States).
// Networks with diode edges are solved by Newton (diode_newton.hpp); networks with transistor
// edges by Newton on a general sparse LU (device_newton.hpp), which also gives the exact loss
// gradient (GradientSource) with respect to gate voltages and conductances.
//
// Held sets: Free, Nudged and the twin's free copy hold ground and inputs; Clamped and the twin's
// clamped copy also hold the outputs. Signs and units follow emulator/sim/state.hpp: volts,
// siemens, amperes; nudge_amps flow INTO the output nodes.
// Conductances are used exactly as given: digipot values are not snapped to codes here (the
// caller snaps with Network::set_conductances if the hardware does).
// Errors: what it is handed is checked by Simulator (drive_checks.hpp, InputError "drive.*");
// SimulationError "solver.singular" (a floating node, named),
// "solver.no_convergence" (Newton), "solver.inaccurate" (KCL check failed).
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "emulator/network/network.hpp"
#include "emulator/sim/gradient_source.hpp"
#include "emulator/sim/simulator.hpp"
#include "emulator/solver/device_newton.hpp"
#include "emulator/solver/nodal_system.hpp"

namespace spiceloop {

class IdealSimulator : public Simulator, public GradientSource {
 public:
  explicit IdealSimulator(SolverOptions options = {});

  std::string name() const override { return "ideal"; }

  // The loaded network, carrying the present conductances (drive.not_loaded before load()).
  const Network& network() const;
  const SolverOptions& options() const { return options_; }
  // Newton iterations of the most recent phase solved (0 for a linear network).
  int last_newton_iterations() const { return last_newton_iterations_; }

  // dL/dp per edge at the free state (GradientSource), on any network: diodes enter the Jacobian
  // at their solution (device_newton.hpp) and have no value of their own (0).
  std::vector<double> loss_gradient(const Drive& free_drive, std::span<const double> targets) override;

 protected:
  void do_load(const Network& net) override;
  void do_set_conductances(std::span<const double> siemens) override;
  bool do_set_checked_conductances(const NetworkShape& shape, std::span<const double> siemens) override;
  State do_solve(const Drive& drive) override;
  TwinState do_solve_twin(const Drive& drive) override;
  void do_solve_nodes(std::span<const Drive> drives, NodeVoltages& out) override;

 private:
  // Node voltages of one phase: inputs from the drive, outputs held at clamp_volts when non-empty,
  // nudge_amps (may be empty) injected into the outputs otherwise.
  std::vector<double> phase_volts(const Drive& drive, std::span<const double> clamp_volts,
                                  std::span<const double> nudge_amps);
  NodalSystem& system(bool outputs_held);
  DeviceNewton& device_newton(bool outputs_held);
  // net_'s edges carry siemens_ again (linear networks: they lag behind it between set_conductances and a call
  // that reads the Network: writing 100-byte Edge records per step would cost more than the step).
  void sync_network() const;
  // The drives of one held set as one multi-column solve into out's rows.
  void solve_group(std::span<const Drive> drives, const std::vector<std::size_t>& which, bool outputs_held,
                   NodeVoltages& out);
  State checked_state(std::vector<double> volts, const std::vector<double>& nudge_amps,
                      bool outputs_held, Phase phase) const;

  SolverOptions options_;
  mutable std::optional<Network> net_;
  mutable bool net_stale_ = false;
  std::vector<double> siemens_;  // per edge, the present values (Network::conductances)
  std::vector<double> spare_;    // the next values, checked as they are copied, then swapped in
  bool linear_ = true;
  bool transistors_ = false;  // transistors or sinh-read memristors: solved by DeviceNewton, not NodalSystem
  // solve_nodes workspace: drive indices per held set, a block of columns, injected currents.
  std::vector<std::size_t> free_group_, clamped_group_;
  NodeVoltages block_;
  std::vector<double> inject_;
  // One system per held set; *_stale_ means its conductances are older than net_'s.
  // Held by pointer: Eigen factorisations cannot move, and the owner should.
  std::unique_ptr<NodalSystem> free_system_, clamped_system_;
  bool free_stale_ = true, clamped_stale_ = true;
  std::unique_ptr<DeviceNewton> free_newton_, clamped_newton_;
  int last_newton_iterations_ = 0;
};

}  // namespace spiceloop
