#include "emulator/solver/ideal_simulator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "emulator/core/error.hpp"
#include "emulator/solver/diode_newton.hpp"

namespace spiceloop {

IdealSimulator::IdealSimulator(SolverOptions options) : options_(options) {}

const Network& IdealSimulator::network() const {
  if (!net_) throw_not_loaded();
  sync_network();
  return *net_;
}

void IdealSimulator::sync_network() const {
  if (!net_stale_) return;
  for (int j = 0; j < net_->edge_count(); ++j)
    if (net_->edges[j].has_siemens()) net_->edges[j].siemens = siemens_[j];
  net_stale_ = false;
}

void IdealSimulator::do_load(const Network& net) {
  net_ = net;
  net_stale_ = false;
  siemens_ = net.conductances();
  linear_ = net.is_linear();
  transistors_ = std::any_of(net.edges.begin(), net.edges.end(), [](const Edge& e) {
    return e.kind == ElementKind::Transistor || (e.kind == ElementKind::Memristor && !e.is_linear());
  });
  free_system_.reset();
  clamped_system_.reset();
  free_newton_.reset();
  clamped_newton_.reset();
  free_stale_ = clamped_stale_ = true;
}

void IdealSimulator::do_set_conductances(std::span<const double> siemens) {
  if (linear_) {
    std::copy(siemens.begin(), siemens.end(), siemens_.begin());
    net_stale_ = true;
  } else {
    // Newton reads the network itself: write it now (and siemens_, the diode case's resistors).
    for (int j = 0; j < net_->edge_count(); ++j) {
      Edge& e = net_->edges[j];
      if (e.has_siemens()) siemens_[j] = e.siemens = siemens[j];
      else if (e.kind == ElementKind::Transistor) e.gate_volts = siemens[j];
    }
  }
  free_stale_ = clamped_stale_ = true;
}

bool IdealSimulator::do_set_checked_conductances(const NetworkShape& shape, std::span<const double> siemens) {
  if (!linear_) return false;
  spare_.resize(siemens_.size());
  if (!copy_if_fine(shape, siemens, spare_)) return false;
  siemens_.swap(spare_);  // the systems read siemens_ again when they next solve (stale below)
  net_stale_ = true;
  free_stale_ = clamped_stale_ = true;
  return true;
}

NodalSystem& IdealSimulator::system(bool outputs_held) {
  std::unique_ptr<NodalSystem>& sys = outputs_held ? clamped_system_ : free_system_;
  bool& stale = outputs_held ? clamped_stale_ : free_stale_;
  if (!sys) sys = std::make_unique<NodalSystem>(*net_, held_nodes(*net_, outputs_held));
  if (stale && linear_) sys->set_edge_siemens(siemens_);
  stale = false;
  return *sys;
}

DeviceNewton& IdealSimulator::device_newton(bool outputs_held) {
  std::unique_ptr<DeviceNewton>& n = outputs_held ? clamped_newton_ : free_newton_;
  if (!n) n = std::make_unique<DeviceNewton>(*net_, held_nodes(*net_, outputs_held));
  return *n;
}

std::vector<double> IdealSimulator::phase_volts(const Drive& drive,
                                                std::span<const double> clamp_volts,
                                                std::span<const double> nudge_amps) {
  const Network& net = *net_;
  const bool outputs_held = !clamp_volts.empty();  // with no outputs the two held sets agree
  std::vector<double> volts(net.node_count(), 0.0);
  for (size_t i = 0; i < net.inputs.size(); ++i)
    volts[net.inputs[i].node] =
        drive.input_volts.empty() ? net.inputs[i].volts : drive.input_volts[i];
  for (size_t o = 0; o < clamp_volts.size(); ++o) volts[net.outputs[o]] = clamp_volts[o];
  std::vector<double> inject;
  if (!nudge_amps.empty()) {
    inject.assign(net.node_count(), 0.0);
    for (size_t o = 0; o < nudge_amps.size(); ++o) inject[net.outputs[o]] += nudge_amps[o];
  }

  if (transistors_) {
    const std::string where = fmt::format("phase {}", phase_name(drive.phase));
    last_newton_iterations_ = device_newton(outputs_held).solve(net, volts, inject, options_, where);
    return volts;
  }
  NodalSystem& sys = system(outputs_held);
  if (linear_) {
    sys.solve(volts, inject);
    last_newton_iterations_ = 0;
  } else {
    const std::string where = fmt::format("phase {}", phase_name(drive.phase));
    last_newton_iterations_ = solve_with_diodes(sys, net, volts, inject, options_, where);
  }
  return volts;
}

std::vector<double> IdealSimulator::loss_gradient(const Drive& free_drive, std::span<const double> targets) {
  const Network& net = network();
  check_drive(NetworkShape::of(net), free_drive, false);
  if (targets.size() != net.outputs.size())
    throw InputError("drive.size", "targets", fmt::format("expected {} value(s), one per network output, got {}",
                                                          net.outputs.size(), targets.size()));
  Drive d = free_drive;
  d.phase = Phase::Free;
  const std::vector<double> volts = phase_volts(d, {}, {});
  std::vector<double> residual(net.outputs.size());
  for (std::size_t o = 0; o < residual.size(); ++o) residual[o] = targets[o] - volts[net.outputs[o]];
  return device_newton(false).loss_gradient(net, volts, residual, options_.gmin_siemens);
}

State IdealSimulator::checked_state(std::vector<double> volts,
                                    const std::vector<double>& nudge_amps, bool outputs_held,
                                    Phase phase) const {
  sync_network();
  State s = make_state(*net_, std::move(volts), nudge_amps, outputs_held);
  // A backstop, not the accuracy target: an exact solve leaves a residual near 1e-15.
  bool finite = std::isfinite(s.power_watts);
  for (double v : s.node_volts) finite = finite && std::isfinite(v);
  if (!finite)
    throw SimulationError("solver.inaccurate", fmt::format("phase {}", phase_name(phase)),
                          "the solution has non-finite voltages or currents (a diode across two "
                          "held nodes with a large forward voltage carries an unbounded current)");
  if (!(s.kcl_residual <= options_.kcl_tolerance))
    throw SimulationError("solver.inaccurate", fmt::format("phase {}", phase_name(phase)),
                          fmt::format("solution fails the KCL check (relative residual {:g}, "
                                      "tolerance {:g}); the network is too ill-conditioned",
                                      s.kcl_residual, options_.kcl_tolerance));
  return s;
}

State IdealSimulator::do_solve(const Drive& drive) {
  switch (drive.phase) {
    case Phase::Clamped:
      return checked_state(phase_volts(drive, drive.clamp_volts, {}), {}, true, drive.phase);
    case Phase::Nudged:
      return checked_state(phase_volts(drive, {}, drive.nudge_amps), drive.nudge_amps, false,
                           drive.phase);
    default:
      return checked_state(phase_volts(drive, {}, {}), {}, false, drive.phase);
  }
}

TwinState IdealSimulator::do_solve_twin(const Drive& drive) {
  const Network& net = *net_;
  // The copies share only the clamp signal: the clamped copy's sources follow the free outputs.
  TwinState twin;
  twin.free = checked_state(phase_volts(drive, {}, {}), {}, false, Phase::Free);
  std::vector<double> clamp(net.outputs.size());
  for (size_t o = 0; o < clamp.size(); ++o)
    clamp[o] = (1.0 - drive.twin_eta) * twin.free.node_volts[net.outputs[o]] +
               drive.twin_eta * drive.twin_targets[o];
  twin.clamped = checked_state(phase_volts(drive, clamp, {}), {}, true, Phase::Clamped);
  return twin;
}

}  // namespace spiceloop

namespace spiceloop {

void IdealSimulator::do_solve_nodes(std::span<const Drive> drives, NodeVoltages& out) {
  if (!linear_) return Simulator::do_solve_nodes(drives, out);  // Newton, and a State's checks
  out.resize(drives.size(), static_cast<std::size_t>(net_->node_count()));
  free_group_.clear();
  clamped_group_.clear();
  for (std::size_t i = 0; i < drives.size(); ++i)
    (drives[i].phase == Phase::Clamped ? clamped_group_ : free_group_).push_back(i);
  if (!free_group_.empty()) solve_group(drives, free_group_, false, out);
  if (!clamped_group_.empty()) solve_group(drives, clamped_group_, true, out);
}

void IdealSimulator::solve_group(std::span<const Drive> drives, const std::vector<std::size_t>& which,
                                 bool outputs_held, NodeVoltages& out) {
  const Network& net = *net_;
  const std::size_t n = static_cast<std::size_t>(net.node_count()), columns = which.size();
  // Drives already in order fill out's rows in place; otherwise a block is solved and copied.
  const bool in_place = which.front() == 0 && which.back() == columns - 1;
  NodeVoltages& target = in_place ? out : block_;
  if (!in_place) block_.resize(columns, n);
  bool any_nudge = false;
  for (std::size_t c = 0; c < columns; ++c) {
    const Drive& d = drives[which[c]];
    const std::span<double> v = target.row(c);
    std::fill(v.begin(), v.end(), 0.0);
    for (std::size_t i = 0; i < net.inputs.size(); ++i)
      v[net.inputs[i].node] = d.input_volts.empty() ? net.inputs[i].volts : d.input_volts[i];
    if (outputs_held)
      for (std::size_t o = 0; o < d.clamp_volts.size(); ++o) v[net.outputs[o]] = d.clamp_volts[o];
    any_nudge = any_nudge || (d.phase == Phase::Nudged && !d.nudge_amps.empty());
  }
  if (any_nudge) {
    inject_.assign(columns * n, 0.0);
    for (std::size_t c = 0; c < columns; ++c) {
      const Drive& d = drives[which[c]];
      if (d.phase != Phase::Nudged) continue;
      for (std::size_t o = 0; o < d.nudge_amps.size(); ++o) inject_[c * n + net.outputs[o]] += d.nudge_amps[o];
    }
  }
  NodalSystem& sys = system(outputs_held);
  const std::span<double> volts = target.all().first(columns * n);
  sys.solve_columns(volts, static_cast<int>(columns),
                    any_nudge ? std::span<const double>(inject_.data(), columns * n) : std::span<const double>{});
  last_newton_iterations_ = 0;
  bool finite = true;
  for (double x : volts) finite = finite && std::isfinite(x);
  const Phase phase = outputs_held ? Phase::Clamped : drives[which.front()].phase;
  if (!finite)
    throw SimulationError("solver.inaccurate", fmt::format("phase {}", phase_name(phase)),
                          "the solution has non-finite voltages");
  const double residual = sys.last_relative_residual();
  if (!(residual <= options_.kcl_tolerance))
    throw SimulationError("solver.inaccurate", fmt::format("phase {}", phase_name(phase)),
                          fmt::format("solution fails the residual check (relative residual {:g}, tolerance {:g}); "
                                      "the network is too ill-conditioned",
                                      residual, options_.kcl_tolerance));
  if (!in_place)
    for (std::size_t c = 0; c < columns; ++c)
      std::copy(block_.row(c).begin(), block_.row(c).end(), out.row(which[c]).begin());
}

}  // namespace spiceloop
