#include "emulator/spice/ngspice_simulator.hpp"

#include "emulator/core/error.hpp"
#include "emulator/spice/physics_check.hpp"
#include "emulator/spice/spice_checks.hpp"

namespace spiceloop {

namespace {

using protocol::Frame;
using protocol::MessageType;

Frame solve_frame(const Drive& d) { return {MessageType::Solve, protocol::encode(d)}; }

}  // namespace

NgspiceSimulator::NgspiceSimulator(SolverOptions options, WorkerOptions worker)
    : options_(options), lanes_{Lane{WorkerClient(worker)}, Lane{WorkerClient(worker)}, Lane{WorkerClient(worker)}} {}

NgspiceSimulator::Lane& NgspiceSimulator::lane_for(Phase p) {
  last_lane_ = static_cast<size_t>(protocol::circuit_kind(p));
  return lanes_[last_lane_];
}

void NgspiceSimulator::do_load(const Network& net) {
  check_network_for_spice(net);
  net_ = net;
  for (Lane& l : lanes_) l.network_sent = false;
}

void NgspiceSimulator::do_set_conductances(std::span<const double> siemens) {
  check_conductances_for_spice(*net_, siemens);
  net_->set_conductances(std::vector<double>(siemens.begin(), siemens.end()));
  // Every running worker gets them now and alters its circuit while the others do the same: a
  // CL step then costs one alter pass (on two cores) and two solves, not two passes in turn.
  std::optional<Frame> frame;
  for (Lane& l : lanes_) {
    l.conductances_sent = l.client.running() && l.network_sent;
    if (!l.conductances_sent) continue;
    if (!frame) frame = Frame{MessageType::SetConductances, protocol::encode(net_->conductances())};
    l.client.post(*frame);
  }
}

// A reload needs no new process: remcirc + destroy all leave nothing of the old circuit that a
// solve reads (tested: the same bits as a fresh worker, tests/learning/resume_exact_test.cpp).
void NgspiceSimulator::do_reset_history() {
  for (Lane& l : lanes_) l.network_sent = false;
}

NgspiceSimulator::Counters NgspiceSimulator::counters() const {
  Counters c = counters_;
  for (const Lane& l : lanes_) {
    const auto starts = static_cast<std::uint64_t>(l.client.starts());
    c.worker_starts += starts;
    c.worker_restarts += starts > 0 ? starts - 1 : 0;
  }
  return c;
}

// Prepends whatever a fresh or behind worker lacks, so that every request runs against the
// network and conductances the caller last gave, whichever worker answers it.
std::vector<Frame> NgspiceSimulator::exchange(Lane& lane, std::vector<Frame> requests) {
  if (!net_) throw_not_loaded();  // inject_fault comes here without Simulator's checks
  const Network& net = *net_;
  std::vector<Frame> frames;
  if (!lane.client.running()) {
    lane.client.start();
    frames.push_back({MessageType::SetOptions, protocol::encode(options_)});
    lane.network_sent = false;
  }
  if (!lane.network_sent) {
    frames.push_back({MessageType::LoadNetwork, protocol::encode(net)});
  } else if (!lane.conductances_sent) {
    frames.push_back({MessageType::SetConductances, protocol::encode(net.conductances())});
  }
  const size_t preamble = frames.size();
  frames.insert(frames.end(), std::make_move_iterator(requests.begin()), std::make_move_iterator(requests.end()));
  std::vector<Frame> replies = lane.client.exchange(frames);
  lane.network_sent = true;
  lane.conductances_sent = true;
  replies.erase(replies.begin(), replies.begin() + static_cast<std::ptrdiff_t>(preamble));
  return replies;
}

State NgspiceSimulator::checked_state(const Drive& d, const std::vector<double>& volts, bool twin_clamped_copy) {
  const Network& net = *net_;
  const WorkerClient& client = lanes_[static_cast<size_t>(protocol::circuit_kind(d.phase))].client;
  if (volts.size() != static_cast<size_t>(net.node_count()))
    throw SimulationError(protocol::kSolveFailed, phase_name(d.phase), "the worker returned the wrong number of voltages",
                          client.lines());
  const bool held = d.phase == Phase::Clamped || twin_clamped_copy;
  static const std::vector<double> no_nudge;
  const std::vector<double>& nudge = d.phase == Phase::Nudged ? d.nudge_amps : no_nudge;
  State s = make_state(net, volts, nudge, held);
  std::string where = std::string(phase_name(d.phase)) + " phase";
  if (d.phase == Phase::Twin) where += twin_clamped_copy ? " (clamped copy)" : " (free copy)";
  check_physics(net, s, voltage_bounds(net, d, twin_clamped_copy), options_, nudge, held, where, client.lines());
  return s;
}

State NgspiceSimulator::do_solve(const Drive& d) {
  const std::vector<Frame> replies = exchange(lane_for(d.phase), {solve_frame(d)});
  const protocol::SolveResult r = protocol::decode<protocol::SolveResult>(replies.back().payload);
  count(r);
  State s = checked_state(d, r.node_volts, false);
  ++counters_.solves;
  return s;
}

TwinState NgspiceSimulator::do_solve_twin(const Drive& d) {
  const std::vector<Frame> replies = exchange(lane_for(d.phase), {solve_frame(d)});
  const protocol::SolveResult r = protocol::decode<protocol::SolveResult>(replies.back().payload);
  count(r);
  TwinState t{checked_state(d, r.node_volts, false), checked_state(d, r.twin_volts, true)};
  ++counters_.solves;
  return t;
}

// Drives of one circuit kind go to that kind's worker in one round trip each.
std::vector<State> NgspiceSimulator::do_solve_batch(std::span<const Drive> drives) {
  std::array<std::vector<Frame>, kLanes> frames;
  std::array<std::vector<size_t>, kLanes> index;
  for (size_t i = 0; i < drives.size(); ++i) {
    const auto k = static_cast<size_t>(protocol::circuit_kind(drives[i].phase));
    frames[k].push_back(solve_frame(drives[i]));
    index[k].push_back(i);
  }
  std::vector<State> out(drives.size());
  for (size_t k = 0; k < kLanes; ++k) {
    if (frames[k].empty()) continue;
    last_lane_ = k;
    const std::vector<Frame> replies = exchange(lanes_[k], std::move(frames[k]));
    for (size_t n = 0; n < index[k].size(); ++n) {
      const protocol::SolveResult r = protocol::decode<protocol::SolveResult>(replies[n].payload);
      count(r);
      out[index[k][n]] = checked_state(drives[index[k][n]], r.node_volts, false);
      ++counters_.solves;
    }
  }
  return out;
}

void NgspiceSimulator::count(const protocol::SolveResult& r) {
  counters_.circuit_loads += r.circuit_loads;
  counters_.alters += r.alters;
  counters_.stepped_solves += r.stepped ? 1 : 0;
}

void NgspiceSimulator::inject_fault(protocol::WorkerFault fault) {
  const Frame f{MessageType::Fault, protocol::encode(fault)};
  if (fault == protocol::WorkerFault::AbortNow) {
    if (lanes_[last_lane_].client.running()) lanes_[last_lane_].client.send_only(f);
    return;
  }
  exchange(lanes_[last_lane_], {f});
}

}  // namespace spiceloop
