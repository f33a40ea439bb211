#include "drivers/client/hil/hil_simulator.hpp"

#include <cmath>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "drivers/client/digipot_client.hpp"
#include "drivers/client/hil/guarded.hpp"
#include "drivers/client/hil/network_match.hpp"
#include "drivers/client/pulser_client.hpp"
#include "drivers/client/scanner_client.hpp"
#include "drivers/client/source_client.hpp"
#include "emulator/core/error.hpp"
#include "emulator/sim/state.hpp"

namespace spiceloop::hil {

struct HilSimulator::Impl {
  Impl(const HilAddresses& a, HilOptions o)
      : addresses(a),
        bench(load_bench_file(a.bench_path)),
        source(guarded([&] { return client::SourceClient(a.source, {.timeout = o.timeout}); })),
        scanner(guarded([&] { return client::ScannerClient(a.scanner, {.timeout = o.timeout}); })) {
    if (!bench.digipots.empty()) {
      if (!a.digipots)
        throw InputError("hil.missing_instrument", a.file.empty() ? "/digipots" : a.file + "#/digipots",
                         "bench '" + bench.name + "' has digipot channels but the addresses name no \"digipots\"");
      digipots.emplace(guarded([&] { return client::DigipotClient(*a.digipots, {.timeout = o.timeout}); }));
    }
    if (bench.pulser) {
      if (!a.pulser)
        throw InputError("hil.missing_instrument", a.file.empty() ? "/pulser" : a.file + "#/pulser",
                         "bench '" + bench.name + "' has a pulser but the addresses name no \"pulser\"");
      pulser.emplace(guarded([&] { return client::PulserClient(*a.pulser, {.timeout = o.timeout}); }));
    }
    // Settings go out unchecked; each solve ends its settings with one SYST:ERR? instead.
    source.set_checked(false);
    scanner.set_checked(false);
    digipot_channel.assign(bench.network.edges.size(), 0);
    for (const DigipotChannel& d : bench.digipots) digipot_channel[static_cast<std::size_t>(d.edge)] = d.channel;
    pulser_channel.assign(bench.network.edges.size(), 0);
    if (bench.pulser)
      for (const PulserChannel& p : bench.pulser->channels) pulser_channel[static_cast<std::size_t>(p.edge)] = p.channel;
  }

  std::string where() const { return "bench '" + bench.name + "' (" + bench.network_path + ")"; }
  [[noreturn]] void mismatch(const std::string& what) const {
    throw InputError("hil.network_mismatch", where(),
                     "the network to train is not the one on the bench: " + what +
                         " (train the bench's network, " + bench.network_path + ")");
  }
  void check_match(const Network& n) const;
  void forget_settings();
  std::vector<double> input_volts(const Drive& d) const;
  void apply(const std::vector<double>& inputs, const std::vector<double>* clamps);
  State read(bool clamped);
  const Network& loaded() const { return *net; }  // Simulator's checks ensure a load() came first

  HilAddresses addresses;
  BenchConfig bench;
  client::SourceClient source;
  client::ScannerClient scanner;
  std::optional<client::DigipotClient> digipots;
  std::optional<client::PulserClient> pulser;
  HilStats stats;

  std::optional<Network> net;            // the bench's network with the codes last sent
  std::vector<int> scan_channels, scan_nodes;
  std::vector<int> configured_scan;      // what this client last configured
  std::vector<int> input_channel;        // per network input: source channel, 0 = none
  std::vector<int> clamp_channel;        // per output: source channel (all or none, by the bench)
  std::vector<int> digipot_channel;      // per edge: digipot channel, 0 = none
  std::vector<int> pulser_channel;       // per edge: pulser channel (a memristor), 0 = none
  std::vector<int> sent_codes;           // per edge, -1 = unknown
  std::vector<double> setpoint;          // per source channel - 1, NaN = unknown
  std::vector<int> output_on;            // per source channel - 1: -1 unknown, 0 OFF, 1 ON
};

void HilSimulator::Impl::check_match(const Network& n) const {
  if (const auto what = network_difference(n, bench.network, "on the bench")) mismatch(*what);
}

void HilSimulator::Impl::forget_settings() {
  setpoint.assign(bench.source.size(), std::numeric_limits<double>::quiet_NaN());
  output_on.assign(bench.source.size(), -1);
}

std::vector<double> HilSimulator::Impl::input_volts(const Drive& d) const {
  if (!d.input_volts.empty()) return d.input_volts;
  std::vector<double> v;
  for (const Input& in : loaded().inputs) v.push_back(in.volts);
  return v;
}

void HilSimulator::Impl::apply(const std::vector<double>& inputs, const std::vector<double>* clamps) {
  const Network& n = loaded();
  client::Channels volts_ch, off, on;
  std::vector<double> volts;
  const auto want_volts = [&](int ch, double v) {
    // A twin's clamp comes from a reading, which Simulator's drive checks have not seen.
    if (!std::isfinite(v)) throw InputError("hil.drive", fmt::format("source channel {}", ch), "not a finite voltage");
    if (setpoint[static_cast<std::size_t>(ch - 1)] != v) volts_ch.push_back(ch), volts.push_back(v);  // NaN: unknown
  };
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const int ch = input_channel[i];
    if (ch == 0) {
      // The bench holds an undriven input at its network file's volts; nothing here can change that.
      if (inputs[i] != bench.network.inputs[i].volts)
        throw InputError("hil.undriven_input", "input node '" + n.node_names[n.inputs[i].node] + "'",
                         fmt::format("no source channel drives it, so it stays at {} V; the drive asks {} V",
                                     bench.network.inputs[i].volts, inputs[i]));
      continue;
    }
    want_volts(ch, inputs[i]);
    if (output_on[static_cast<std::size_t>(ch - 1)] != 1) on.push_back(ch);
  }
  if (clamps) {
    bool all_on = true;
    for (std::size_t o = 0; o < clamp_channel.size(); ++o) {
      want_volts(clamp_channel[o], (*clamps)[o]);
      all_on = all_on && output_on[static_cast<std::size_t>(clamp_channel[o] - 1)] == 1;
    }
    // Every clamp in the same OUTP command: the bench refuses to solve with some clamps ON.
    if (!all_on) on.insert(on.end(), clamp_channel.begin(), clamp_channel.end());
  } else {
    for (int ch : clamp_channel)
      if (output_on[static_cast<std::size_t>(ch - 1)] != 0) off.push_back(ch);
  }
  if (volts_ch.empty() && off.empty() && on.empty()) return;

  // Settings first, then OFF before ON, so no solve ever sees an old clamp next to a new one.
  const auto sent = [&] {
    if (!volts_ch.empty()) source.set_volts(volts_ch, volts), ++stats.source_messages, stats.volts_sent += volts_ch.size();
    if (!off.empty()) source.output(off, false), ++stats.source_messages;
    if (!on.empty()) source.output(on, true), ++stats.source_messages;
    ++stats.round_trips;
    source.scpi().check_errors();
  };
  try {
    guarded(sent);
  } catch (...) {
    forget_settings();  // some settings may have landed: resend everything next time
    throw;
  }
  for (std::size_t k = 0; k < volts_ch.size(); ++k) setpoint[static_cast<std::size_t>(volts_ch[k] - 1)] = volts[k];
  for (int ch : off) output_on[static_cast<std::size_t>(ch - 1)] = 0;
  for (int ch : on) output_on[static_cast<std::size_t>(ch - 1)] = 1;
}

State HilSimulator::Impl::read(bool clamped) {
  const Network& n = loaded();
  ++stats.round_trips;
  ++stats.solves;
  const std::vector<double> r = guarded([&] { return scanner.read(); });
  if (r.size() != scan_channels.size())
    throw SimulationError("hil.scan", addresses.scanner,
                          fmt::format("READ? gave {} readings for a scan list of {} channels (did another client "
                                      "reconfigure the scanner or its trigger count?)",
                                      r.size(), scan_channels.size()));
  std::vector<double> node_volts(static_cast<std::size_t>(n.node_count()), 0.0);
  for (std::size_t k = 0; k < r.size(); ++k) node_volts[static_cast<std::size_t>(scan_nodes[k])] = r[k];
  return make_state(n, std::move(node_volts), {}, clamped);
}

HilSimulator::HilSimulator(const HilAddresses& addresses, HilOptions options)
    : impl_(std::make_unique<Impl>(addresses, options)) {}

HilSimulator::HilSimulator(const std::string& addresses_file, HilOptions options)
    : HilSimulator(load_addresses_file(addresses_file), options) {}

HilSimulator::~HilSimulator() = default;

const BenchConfig& HilSimulator::bench() const { return impl_->bench; }
const HilStats& HilSimulator::stats() const { return impl_->stats; }
const std::vector<int>& HilSimulator::sent_codes() const { return impl_->sent_codes; }

void HilSimulator::do_load(const Network& net) {
  Impl& m = *impl_;
  m.check_match(net);
  const Network& b = m.bench.network;

  // Every node is read, so every node needs a channel of its own to ground.
  std::vector<int> channels, nodes;
  for (int node = 1; node < b.node_count(); ++node) {
    const ScannerChannel* found = nullptr;
    for (const ScannerChannel& c : m.bench.scanner)
      if (c.plus == node && c.minus == 0) {
        found = &c;
        break;
      }
    if (!found)
      throw InputError("hil.unscanned_node", "node '" + b.node_names[node] + "'",
                       "no single-ended scanner channel sees this node on " + m.where() +
                           "; add {\"channel\": 1xx, \"node\": \"" + b.node_names[node] + "\"} to its \"scanner\"");
    channels.push_back(found->channel);
    nodes.push_back(node);
  }
  for (const Input& in : b.inputs)
    if (m.bench.smu && b.inputs[static_cast<std::size_t>(m.bench.smu->input)].node == in.node)
      throw InputError("hil.undriven_input", "input node '" + b.node_names[in.node] + "'",
                       "the bench's SMU drives this input, and the HIL backend does not speak to the SMU");

  m.input_channel.assign(b.inputs.size(), 0);
  m.clamp_channel.clear();
  std::vector<int> clamps(b.outputs.size(), 0);
  for (const SourceChannel& s : m.bench.source) {
    if (s.input >= 0) m.input_channel[static_cast<std::size_t>(s.input)] = s.channel;
    if (s.output >= 0) clamps[static_cast<std::size_t>(s.output)] = s.channel;
  }
  if (!clamps.empty() && clamps.front() != 0) m.clamp_channel = clamps;  // the bench file ensures all or none

  m.net = net;
  m.scan_channels = channels;
  m.scan_nodes = nodes;
  m.forget_settings();
  m.sent_codes.assign(net.edges.size(), -1);
  if (m.configured_scan != channels) {
    // Once per load, never per solve: a real scanner takes its time to reconfigure. TRIG:COUN 1
    // so READ? answers one sweep, whatever another client left behind.
    guarded([&] {
      m.scanner.configure_volts_dc(channels);
      ++m.stats.scan_configures;
      ++m.stats.round_trips;
      m.scanner.scpi().write_checked("TRIG:SOUR IMM;:TRIG:COUN 1");
    });
    m.configured_scan = channels;
  }
  do_set_conductances(net.conductances());
}

void HilSimulator::do_set_conductances(std::span<const double> siemens) {
  Impl& m = *impl_;
  Network& n = *m.net;
  // Everything is checked before anything is sent.
  client::Channels channels;
  std::vector<int> codes;
  std::vector<std::size_t> edges;
  for (std::size_t j = 0; j < n.edges.size(); ++j) {
    const Edge& bench_edge = m.bench.network.edges[j];
    if (bench_edge.kind == ElementKind::Diode) continue;
    if (m.digipot_channel[j] != 0) {
      const int code = digipot_nearest_code(bench_edge, siemens[j]);
      if (code != m.sent_codes[j]) channels.push_back(m.digipot_channel[j]), codes.push_back(code), edges.push_back(j);
    } else if (m.pulser_channel[j] != 0) {
      n.edges[j].siemens = siemens[j];  // the trainer's belief; the bench's device is programmed by pulses
    } else if (!same_value(siemens[j], bench_edge.siemens)) {
      throw InputError("hil.unsettable_edge", "edge '" + bench_edge.name + "'",
                       fmt::format("{} S asked, but the bench holds {} S and only digipot edges with a digipot "
                                   "channel can be set (make it non-trainable, or give it a digipot channel)",
                                   siemens[j], bench_edge.siemens));
    }
  }
  if (channels.empty()) return;
  guarded([&] {
    // Checked: the round trip also orders the new codes before the next READ? on the scanner.
    ++m.stats.code_messages;
    ++m.stats.round_trips;
    m.stats.codes_sent += channels.size();
    m.digipots->set_checked(true);
    m.digipots->set_codes(channels, codes);
  });
  for (std::size_t k = 0; k < edges.size(); ++k) {
    const std::size_t j = edges[k];
    m.sent_codes[j] = codes[k];
    n.edges[j].code = codes[k];
    n.edges[j].siemens = digipot_siemens(m.bench.network.edges[j], codes[k]);
  }
}

void HilSimulator::do_program_pulses(std::span<const int> pulses) {
  Impl& m = *impl_;
  client::Channels channels;
  std::vector<int> counts;
  for (std::size_t j = 0; j < pulses.size(); ++j) {
    if (pulses[j] == 0) continue;
    const Edge& e = m.bench.network.edges[j];
    if (m.pulser_channel[j] == 0)
      throw InputError("hil.unsettable_edge", "edge '" + e.name + "'",
                       "pulses asked, but no pulser channel reaches this edge on " + m.where() +
                           " (make it non-trainable, or give it a pulser channel)");
    if (std::abs(pulses[j]) > m.bench.pulser->max_count)
      throw InputError("hil.pulse_count", "edge '" + e.name + "'",
                       fmt::format("{} pulses asked in one step, but the pulser sends at most {} per trigger "
                                   "(its \"max_count\"); set the experiment's update.max_pulses to {} or less",
                                   pulses[j], m.bench.pulser->max_count, m.bench.pulser->max_count));
    channels.push_back(m.pulser_channel[j]);
    counts.push_back(pulses[j]);
  }
  if (channels.empty()) return;
  guarded([&] {
    // Checked: the round trip also orders the pulses before the next READ? on the scanner.
    ++m.stats.pulse_messages;
    ++m.stats.round_trips;
    for (int c : counts) m.stats.pulses_sent += static_cast<std::uint64_t>(std::abs(c));
    m.pulser->pulse(channels, counts);
  });
}

State HilSimulator::do_solve(const Drive& drive) {
  Impl& m = *impl_;
  if (drive.phase == Phase::Nudged)
    throw InputError("hil.unsupported_phase", "drive.phase",
                     "the bench has no current sources, so the Nudged phase (EP) cannot run in the loop; use a CL rule");
  const std::vector<double> inputs = m.input_volts(drive);
  if (drive.phase == Phase::Clamped) {
    if (m.clamp_channel.empty())
      throw InputError("hil.no_clamp", m.where(), "no source channel clamps the outputs, so the Clamped phase cannot be set up");
    m.apply(inputs, &drive.clamp_volts);
    return m.read(true);
  }
  m.apply(inputs, nullptr);
  return m.read(false);
}

TwinState HilSimulator::do_solve_twin(const Drive& drive) {
  const Network& n = impl_->loaded();
  Drive d;
  d.phase = Phase::Free;
  d.input_volts = drive.input_volts;
  TwinState twin;
  twin.free = do_solve(d);
  // What the twin circuit's controlled sources compute, in the ideal backend's arithmetic.
  d.phase = Phase::Clamped;
  d.clamp_volts.resize(n.outputs.size());
  for (std::size_t o = 0; o < n.outputs.size(); ++o)
    d.clamp_volts[o] = (1.0 - drive.twin_eta) * twin.free.node_volts[static_cast<std::size_t>(n.outputs[o])] +
                       drive.twin_eta * drive.twin_targets[o];
  twin.clamped = do_solve(d);
  return twin;
}

}  // namespace spiceloop::hil
