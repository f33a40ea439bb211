#include "emulator/bench/bench.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "emulator/network/validate.hpp"

namespace spiceloop {

Bench::Bench(BenchConfig config, Simulator& sim)
    : config_(std::move(config)), sim_(sim), volts_(config_.source.size(), 0.0), on_(config_.source.size(), false) {
  sim_.load(config_.network);
}

const SourceChannel& Bench::source(int channel) const {
  if (!has_source_channel(channel))
    throw std::out_of_range(fmt::format("bench: no source channel {} (1..{})", channel, source_channel_count()));
  return config_.source[static_cast<std::size_t>(channel - 1)];
}

void Bench::set_source_volts(int channel, double volts) {
  const auto i = static_cast<std::size_t>(source(channel).channel - 1);
  if (!std::isfinite(volts) || std::abs(volts) > network_limits::kMaxAbsVolts)
    throw std::invalid_argument(fmt::format("bench: {} V is not a settable source voltage", volts));
  if (volts_[i] == volts) return;
  volts_[i] = volts;
  if (on_[i]) changed();
}

double Bench::source_volts(int channel) const { return volts_[static_cast<std::size_t>(source(channel).channel - 1)]; }

int Bench::source_node(int channel) const {
  return config_.network.inputs[static_cast<std::size_t>(source(channel).input)].node;
}

void Bench::set_output(int channel, bool on) {
  const auto i = static_cast<std::size_t>(source(channel).channel - 1);
  if (on_[i] == on) return;
  on_[i] = on;
  changed();
}

bool Bench::output(int channel) const { return on_[static_cast<std::size_t>(source(channel).channel - 1)]; }

double Bench::source_current(int channel) {
  const int input = source(channel).input;
  return truth().source_amps.at(static_cast<std::size_t>(input));
}

void Bench::reset_sources() {
  std::fill(volts_.begin(), volts_.end(), 0.0);
  std::fill(on_.begin(), on_.end(), false);
  changed();
}

const ScannerChannel* Bench::find_scanner_channel(int channel) const {
  for (const auto& c : config_.scanner)
    if (c.channel == channel) return &c;
  return nullptr;
}

const DigipotChannel* Bench::find_digipot_channel(int channel) const {
  for (const auto& c : config_.digipots)
    if (c.channel == channel) return &c;
  return nullptr;
}

const DigipotChannel& Bench::digipot(int channel) const {
  const DigipotChannel* c = find_digipot_channel(channel);
  if (!c) throw std::out_of_range(fmt::format("bench: no digipot channel {}", channel));
  return *c;
}

double Bench::measure_scanner_volts(int channel) {
  const ScannerChannel* c = find_scanner_channel(channel);
  if (!c) throw std::out_of_range(fmt::format("bench: no scanner channel {}", channel));
  const State& s = truth();
  return s.node_volts.at(static_cast<std::size_t>(c->plus)) - s.node_volts.at(static_cast<std::size_t>(c->minus));
}

void Bench::set_digipot_code(int channel, int code) {
  Edge& e = config_.network.edges[static_cast<std::size_t>(digipot(channel).edge)];
  if (code < 0 || code > e.taps)
    throw std::invalid_argument(fmt::format("bench: code {} is outside 0..{} of digipot \"{}\"", code, e.taps, e.name));
  if (e.code == code) return;
  e.code = code;
  e.siemens = digipot_siemens(e, code);
  sim_.set_conductances(config_.network.conductances());
  changed();
}

int Bench::digipot_code(int channel) const {
  return config_.network.edges[static_cast<std::size_t>(digipot(channel).edge)].code;
}

double Bench::measure_node_volts(int node) { return truth().node_volts.at(static_cast<std::size_t>(node)); }

double Bench::measure_node_volts(const std::string& node_name) {
  const auto node = config_.network.find_node(node_name);
  if (!node) throw std::out_of_range(fmt::format("bench: no node \"{}\"", node_name));
  return measure_node_volts(*node);
}

Drive Bench::drive() const {
  Drive d;
  d.phase = Phase::Free;
  d.input_volts.reserve(config_.network.inputs.size());
  for (const Input& in : config_.network.inputs) d.input_volts.push_back(in.volts);
  for (const SourceChannel& c : config_.source) {
    const auto i = static_cast<std::size_t>(c.channel - 1);
    d.input_volts[static_cast<std::size_t>(c.input)] = on_[i] ? volts_[i] : 0.0;
  }
  return d;
}

const State& Bench::truth() {
  if (!state_) {
    state_ = sim_.solve(drive());
    ++solves_;
  }
  return *state_;
}

}  // namespace spiceloop
