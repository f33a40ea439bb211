#include "emulator/bench/board_machine.hpp"

#include <cmath>

#include "emulator/core/error.hpp"
#include "emulator/learning/rules/rule.hpp"

namespace spiceloop {

namespace {

UpdateSpec gate_updates() {
  UpdateSpec spec;
  spec.parameter = Parameter::GateVoltage;
  return spec;
}

}  // namespace

std::vector<std::size_t> gate_edges(const Network& net) {
  std::vector<std::size_t> out;
  for (std::size_t j = 0; j < net.edges.size(); ++j)
    if (net.edges[j].kind == ElementKind::Transistor) out.push_back(j);
  return out;
}

SteppedBoardMachine::SteppedBoardMachine(Network net, Simulator& sim)
    : net_(std::move(net)), sim_(sim), gate_edges_(gate_edges(net_)), updater_(gate_updates(), net_, 0),
      rng_(Rng::stream(0, RandomStream::Training)) {
  if (gate_edges_.empty())
    throw InputError("board.no_transistor", net_.name,
                     "the board drives transistor gates and this network has no transistor edge");
  sim_.load(net_);
}

std::vector<double> SteppedBoardMachine::gates() const {
  std::vector<double> v;
  for (std::size_t j : gate_edges_) v.push_back(net_.edges[j].gate_volts);
  return v;
}

void SteppedBoardMachine::set_gates(std::span<const double> volts) {
  for (std::size_t i = 0; i < gate_edges_.size() && i < volts.size(); ++i) net_.edges[gate_edges_[i]].gate_volts = volts[i];
  sim_.set_conductances(net_.conductances());
}

std::vector<double> SteppedBoardMachine::relax(std::span<const double> input_volts) {
  Drive d;
  d.input_volts.assign(input_volts.begin(), input_volts.end());
  return sim_.solve(d).node_volts;
}

Drive SteppedBoardMachine::twin_drive(const BoardDrive& drive) const {
  Drive d;
  d.phase = Phase::Twin;
  d.input_volts = drive.input_volts;
  d.twin_eta = drive.eta;
  d.twin_targets = drive.target_volts;
  return d;
}

TwinState SteppedBoardMachine::measure(const BoardDrive& drive) { return sim_.solve_twin(twin_drive(drive)); }

TwinState SteppedBoardMachine::learn(const BoardDrive& drive) {
  TwinState twin = measure(drive);
  RuleSpec rule;
  rule.nudge = drive.eta;
  rule.twin = true;
  std::vector<double> signal(net_.edges.size(), 0.0);
  accumulate_signal(rule, net_, twin.free, std::span(&twin.clamped, 1), 1.0, signal);
  for (double g : signal)
    if (!std::isfinite(g))
      throw SimulationError("network.non_finite", net_.name, "the learning signal is not finite; no gate moved");
  updater_.apply(net_, signal, drive.alpha, rng_);
  sim_.set_conductances(net_.conductances());
  return twin;
}

}  // namespace spiceloop
