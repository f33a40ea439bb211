#include "emulator/spice/ngspice_simulator.hpp"

#include "emulator/core/error.hpp"
#include "emulator/spice/physics_check.hpp"
#include "emulator/spice/spice_checks.hpp"

namespace spiceloop {

namespace {

using protocol::Frame;
using protocol::MessageType;

Frame solve_frame(const Drive& d) { return {MessageType::Solve, protocol::encode_drive(d)}; }

}  // namespace

NgspiceSimulator::NgspiceSimulator(SolverOptions options, WorkerOptions worker)
    : options_(options), client_(std::move(worker)) {}

void NgspiceSimulator::load(const Network& net) {
  check_network_for_spice(net);
  net_ = net;
  network_sent_ = false;
}

const Network& NgspiceSimulator::network() const {
  if (!net_) throw InputError("spice.no_network", "", "load a network before setting conductances or solving");
  return *net_;
}

void NgspiceSimulator::set_conductances(std::span<const double> siemens) {
  check_conductances_for_spice(network(), siemens);
  net_->set_conductances(std::vector<double>(siemens.begin(), siemens.end()));
  conductances_sent_ = false;
}

NgspiceSimulator::Counters NgspiceSimulator::counters() const {
  Counters c = counters_;
  c.worker_starts = static_cast<std::uint64_t>(client_.starts());
  c.worker_restarts = c.worker_starts > 0 ? c.worker_starts - 1 : 0;
  return c;
}

// Prepends whatever a fresh or behind worker lacks, so that every request runs against the
// network and conductances the caller last gave, whichever worker answers it.
std::vector<Frame> NgspiceSimulator::exchange(std::vector<Frame> requests) {
  const Network& net = network();
  std::vector<Frame> frames;
  if (!client_.running()) {
    client_.start();
    frames.push_back({MessageType::SetOptions, protocol::encode_options(options_)});
    network_sent_ = false;
  }
  if (!network_sent_) {
    frames.push_back({MessageType::LoadNetwork, protocol::encode_network(net)});
  } else if (!conductances_sent_) {
    frames.push_back({MessageType::SetConductances, protocol::encode_doubles(net.conductances())});
  }
  const size_t preamble = frames.size();
  frames.insert(frames.end(), std::make_move_iterator(requests.begin()), std::make_move_iterator(requests.end()));
  std::vector<Frame> replies = client_.exchange(frames);
  network_sent_ = true;
  conductances_sent_ = true;
  replies.erase(replies.begin(), replies.begin() + static_cast<std::ptrdiff_t>(preamble));
  return replies;
}

State NgspiceSimulator::checked_state(const Drive& d, const std::vector<double>& volts, bool twin_clamped_copy) {
  const Network& net = *net_;
  if (volts.size() != static_cast<size_t>(net.node_count()))
    throw SimulationError(protocol::kSolveFailed, phase_name(d.phase), "the worker returned the wrong number of voltages",
                          client_.lines());
  const bool held = d.phase == Phase::Clamped || twin_clamped_copy;
  static const std::vector<double> no_nudge;
  const std::vector<double>& nudge = d.phase == Phase::Nudged ? d.nudge_amps : no_nudge;
  State s = make_state(net, volts, nudge, held);
  std::string where = std::string(phase_name(d.phase)) + " phase";
  if (d.phase == Phase::Twin) where += twin_clamped_copy ? " (clamped copy)" : " (free copy)";
  check_physics(net, s, voltage_bounds(net, d, twin_clamped_copy), options_, nudge, held, where, client_.lines());
  return s;
}

State NgspiceSimulator::solve(const Drive& d) {
  if (d.phase == Phase::Twin)
    throw InputError("spice.twin_via_solve", "drive.phase", "the twin phase has two states: call solve_twin");
  check_drive_for_spice(network(), d);
  const std::vector<Frame> replies = exchange({solve_frame(d)});
  const protocol::SolveResult r = protocol::decode_result(replies.back().payload);
  counters_.circuit_loads += r.circuit_loads;
  counters_.alters += r.alters;
  counters_.stepped_solves += r.stepped ? 1 : 0;
  State s = checked_state(d, r.node_volts, false);
  ++counters_.solves;
  return s;
}

TwinState NgspiceSimulator::solve_twin(const Drive& d) {
  if (d.phase != Phase::Twin) throw InputError("spice.not_twin", "drive.phase", "solve_twin needs a twin drive");
  check_drive_for_spice(network(), d);
  const std::vector<Frame> replies = exchange({solve_frame(d)});
  const protocol::SolveResult r = protocol::decode_result(replies.back().payload);
  counters_.circuit_loads += r.circuit_loads;
  counters_.alters += r.alters;
  counters_.stepped_solves += r.stepped ? 1 : 0;
  TwinState t{checked_state(d, r.node_volts, false), checked_state(d, r.twin_volts, true)};
  ++counters_.solves;
  return t;
}

std::vector<State> NgspiceSimulator::solve_batch(std::span<const Drive> drives) {
  std::vector<Frame> frames;
  for (const Drive& d : drives) {
    if (d.phase == Phase::Twin)
      throw InputError("spice.twin_via_solve", "drive.phase", "the twin phase has two states: call solve_twin");
    check_drive_for_spice(network(), d);
    frames.push_back(solve_frame(d));
  }
  if (frames.empty()) return {};
  const std::vector<Frame> replies = exchange(std::move(frames));
  std::vector<State> out;
  out.reserve(drives.size());
  for (size_t i = 0; i < drives.size(); ++i) {
    const protocol::SolveResult r = protocol::decode_result(replies[i].payload);
    counters_.circuit_loads += r.circuit_loads;
    counters_.alters += r.alters;
    counters_.stepped_solves += r.stepped ? 1 : 0;
    out.push_back(checked_state(drives[i], r.node_volts, false));
    ++counters_.solves;
  }
  return out;
}

void NgspiceSimulator::inject_fault(protocol::WorkerFault fault) {
  const Frame f{MessageType::Fault, protocol::encode_u32(static_cast<std::uint32_t>(fault))};
  if (fault == protocol::WorkerFault::AbortNow) {
    if (client_.running()) client_.send_only(f);
    return;
  }
  exchange({f});
}

}  // namespace spiceloop
