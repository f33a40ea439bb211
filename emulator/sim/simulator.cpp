#include "emulator/sim/simulator.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "emulator/core/error.hpp"

namespace spiceloop {

const char* phase_name(Phase p) {
  switch (p) {
    case Phase::Free: return "free";
    case Phase::Clamped: return "clamped";
    case Phase::Nudged: return "nudged";
    case Phase::Twin: return "twin";
  }
  return "?";
}

const NetworkShape& Simulator::shape() const {
  if (!shape_) throw_not_loaded();
  return *shape_;
}

void Simulator::load(const Network& net) {
  check_network(net);
  NetworkShape shape = NetworkShape::of(net);
  do_load(net);
  shape_ = std::move(shape);
}

void Simulator::set_conductances(std::span<const double> siemens) {
  if (do_set_checked_conductances(shape(), siemens)) return;
  check_conductances(shape(), siemens);
  do_set_conductances(siemens);
}

void Simulator::program_pulses(std::span<const int> pulses) {
  const NetworkShape& s = shape();
  if (pulses.size() != s.edge_names.size())
    throw InputError("drive.size", "pulses",
                     fmt::format("{} pulse counts for {} edges; give one per edge (0 for edges not programmed)",
                                 pulses.size(), s.edge_names.size()));
  do_program_pulses(pulses);
}

void Simulator::reset_history() {
  if (loaded()) do_reset_history();
}

State Simulator::solve(const Drive& drive) {
  check_drive(shape(), drive, false);
  return do_solve(drive);
}

TwinState Simulator::solve_twin(const Drive& drive) {
  check_drive(shape(), drive, true);
  return do_solve_twin(drive);
}

std::vector<State> Simulator::solve_batch(std::span<const Drive> drives) {
  for (const Drive& d : drives) check_drive(shape(), d, false);
  return do_solve_batch(drives);
}

void Simulator::solve_nodes(std::span<const Drive> drives, NodeVoltages& out) {
  for (const Drive& d : drives) check_drive(shape(), d, false);
  do_solve_nodes(drives, out);
}

void Simulator::do_solve_nodes(std::span<const Drive> drives, NodeVoltages& out) {
  const std::vector<State> states = do_solve_batch(drives);
  out.resize(states.size(), states.empty() ? 0 : states[0].node_volts.size());
  for (std::size_t i = 0; i < states.size(); ++i)
    std::copy(states[i].node_volts.begin(), states[i].node_volts.end(), out.row(i).begin());
}

std::vector<State> Simulator::do_solve_batch(std::span<const Drive> drives) {
  std::vector<State> out;
  out.reserve(drives.size());
  for (const Drive& d : drives) out.push_back(do_solve(d));
  return out;
}

}  // namespace spiceloop
