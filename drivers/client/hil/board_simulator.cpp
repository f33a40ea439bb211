#include "drivers/client/hil/board_simulator.hpp"

#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "drivers/client/board_client.hpp"
#include "drivers/client/hil/guarded.hpp"
#include "drivers/client/hil/network_match.hpp"
#include "emulator/bench/board_machine.hpp"
#include "emulator/core/error.hpp"
#include "emulator/network/load.hpp"
#include "emulator/sim/state.hpp"

namespace spiceloop::hil {

struct BoardSimulator::Impl {
  Impl(const HilAddresses& a, BoardSimulatorOptions o)
      : board_net(load_network_file(a.network_path)),
        board(guarded([&] { return client::BoardClient(*a.board, {.timeout = o.timeout}); })) {}

  void send_if_changed(std::vector<double>& sent, const std::vector<double>& want,
                       void (client::BoardClient::*set)(const std::vector<double>&)) {
    if (sent == want) return;
    guarded([&] { (board.*set)(want); });
    sent = want;
  }
  std::vector<double> inputs(const Drive& d) const {
    if (!d.input_volts.empty()) return d.input_volts;
    std::vector<double> v;
    for (const Input& in : net->inputs) v.push_back(in.volts);
    return v;
  }
  std::vector<double> grid(std::vector<double> volts) const {
    if (volts.size() != static_cast<std::size_t>(net->node_count()))
      throw SimulationError("hil.scan", "board",
                            fmt::format("the board reported {} node volts for {} nodes", volts.size(), net->node_count()));
    return volts;
  }

  Network board_net;
  client::BoardClient board;
  std::optional<Network> net;  // the network loaded, with the gates last sent
  std::vector<std::size_t> gate_edges;
  std::vector<double> sent_gates, sent_inputs, sent_targets;
  std::optional<double> sent_eta;
};

BoardSimulator::BoardSimulator(const HilAddresses& addresses, BoardSimulatorOptions options)
    : impl_(std::make_unique<Impl>(addresses, options)) {}

BoardSimulator::~BoardSimulator() = default;

std::uint64_t BoardSimulator::round_trips() const { return impl_->board.round_trips(); }

void BoardSimulator::do_load(const Network& net) {
  Impl& m = *impl_;
  if (const auto what = network_difference(net, m.board_net, "on the board"))
    throw InputError("hil.network_mismatch", "board network '" + m.board_net.name + "'",
                     "the network to train is not the one on the board: " + *what);
  m.net = net;
  m.gate_edges = gate_edges(net);
  m.sent_gates.clear();
  m.sent_inputs.clear();
  m.sent_targets.clear();
  m.sent_eta.reset();
  do_set_conductances(net.conductances());
}

void BoardSimulator::do_set_conductances(std::span<const double> siemens) {
  Impl& m = *impl_;
  Network& net = *m.net;
  for (std::size_t j = 0; j < net.edges.size(); ++j) {
    const Edge& e = m.board_net.edges[j];
    if (e.kind == ElementKind::Transistor || e.kind == ElementKind::Diode) continue;
    if (!same_value(siemens[j], e.value()))
      throw InputError("hil.unsettable_edge", e.name,
                       fmt::format("the board sets only transistor gates; this {} must keep its value {} (make it "
                                   "non-trainable)",
                                   element_kind_name(e.kind), e.value()));
  }
  std::vector<double> gates;
  for (std::size_t j : m.gate_edges) gates.push_back(siemens[j]);
  m.send_if_changed(m.sent_gates, gates, &client::BoardClient::set_gates);
  net.set_conductances(std::vector<double>(siemens.begin(), siemens.end()));
}

State BoardSimulator::do_solve(const Drive& drive) {
  Impl& m = *impl_;
  if (drive.phase != Phase::Free)
    throw InputError("hil.unsupported_phase", phase_name(drive.phase),
                     "the board measures its free copy (RELX) and its twin (MEAS) only: use CL with \"twin\": true");
  m.send_if_changed(m.sent_inputs, m.inputs(drive), &client::BoardClient::set_inputs);
  return make_state(*m.net, m.grid(guarded([&] { return m.board.relax(); })));
}

TwinState BoardSimulator::do_solve_twin(const Drive& drive) {
  Impl& m = *impl_;
  m.send_if_changed(m.sent_inputs, m.inputs(drive), &client::BoardClient::set_inputs);
  m.send_if_changed(m.sent_targets, drive.twin_targets, &client::BoardClient::set_targets);
  if (m.sent_eta != drive.twin_eta) {
    guarded([&] { m.board.set_eta(drive.twin_eta); });
    m.sent_eta = drive.twin_eta;
  }
  client::BoardReport r = guarded([&] { return m.board.measure(); });
  TwinState t;
  t.free = make_state(*m.net, m.grid(std::move(r.free_volts)));
  t.clamped = make_state(*m.net, m.grid(std::move(r.clamped_volts)), {}, true);
  return t;
}

}  // namespace spiceloop::hil
