#include "emulator/bench/bench.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "emulator/bench/digipot_board.hpp"
#include "emulator/core/error.hpp"
#include "emulator/network/validate.hpp"

namespace spiceloop {

namespace {

void check_volts(double volts, const char* what) {
  if (!std::isfinite(volts) || std::abs(volts) > network_limits::kMaxAbsVolts)
    throw std::invalid_argument(fmt::format("bench: {} V is not a settable {} voltage", volts, what));
}

double quantise(double v, double lsb) { return lsb > 0 ? std::round(v / lsb) * lsb : v; }

}  // namespace

Bench::Bench(BenchConfig config, Simulator& sim)
    : config_(std::move(config)),
      sim_(sim),
      volts_(config_.source.size(), 0.0),
      on_(config_.source.size(), false),
      limit_(config_.source.size(), std::numeric_limits<double>::infinity()),
      mode_(config_.source.size(), Regulation::CV) {
  sim_.load(config_.network);
  reseed(config_.realism.seed);
}

const SourceChannel& Bench::source(int channel) const {
  if (!has_source_channel(channel))
    throw std::out_of_range(fmt::format("bench: no source channel {} (1..{})", channel, source_channel_count()));
  return config_.source[static_cast<std::size_t>(channel - 1)];
}

void Bench::changed() {
  if (state_) before_ = std::move(state_);
  state_.reset();
  changed_at_ = std::chrono::steady_clock::now();
}

void Bench::set_source_volts(int channel, double volts) {
  const auto i = static_cast<std::size_t>(source(channel).channel - 1);
  check_volts(volts, "source");
  if (volts_[i] == volts) return;
  volts_[i] = volts;
  if (on_[i]) changed();
}

double Bench::source_volts(int channel) const { return volts_[static_cast<std::size_t>(source(channel).channel - 1)]; }

int Bench::source_node(int channel) const {
  const SourceChannel& c = source(channel);
  if (c.is_clamp()) return config_.network.outputs[static_cast<std::size_t>(c.output)];
  return config_.network.inputs[static_cast<std::size_t>(c.input)].node;
}

bool Bench::is_clamp_channel(int channel) const { return source(channel).is_clamp(); }

void Bench::set_output(int channel, bool on) {
  const auto i = static_cast<std::size_t>(source(channel).channel - 1);
  if (on_[i] == on) return;
  on_[i] = on;
  changed();
}

bool Bench::output(int channel) const { return on_[static_cast<std::size_t>(source(channel).channel - 1)]; }

double Bench::source_current(int channel) {
  const SourceChannel& c = source(channel);
  const State& s = truth();
  if (c.is_clamp()) return read_amps(s.output_amps.empty() ? 0.0 : s.output_amps.at(static_cast<std::size_t>(c.output)));
  return read_amps(s.source_amps.at(static_cast<std::size_t>(c.input)));
}

void Bench::set_source_current_limit(int channel, double amps) {
  const SourceChannel& c = source(channel);
  if (std::isnan(amps) || amps < 0)
    throw std::invalid_argument(fmt::format("bench: {} A is not a current limit (>= 0)", amps));
  const auto i = static_cast<std::size_t>(c.channel - 1);
  if (limit_[i] == amps) return;
  limit_[i] = amps;
  // Only an ON input channel can go into CC; for any other the circuit does not change.
  if (on_[i] && !c.is_clamp()) changed();
}

double Bench::source_current_limit(int channel) const { return limit_[static_cast<std::size_t>(source(channel).channel - 1)]; }

bool Bench::source_in_compliance(int channel) {
  const auto i = static_cast<std::size_t>(source(channel).channel - 1);
  truth();
  return mode_[i] != Regulation::CV;
}

double Bench::source_output_volts(int channel) {
  const SourceChannel& c = source(channel);
  const State& s = truth();
  if (c.is_clamp()) return s.node_volts.at(static_cast<std::size_t>(source_node(channel)));
  return regulated_.input_volts.at(static_cast<std::size_t>(c.input));
}

void Bench::reset_sources() {
  std::fill(volts_.begin(), volts_.end(), 0.0);
  std::fill(on_.begin(), on_.end(), false);
  smu_source_.volts = 0.0;
  smu_on_ = false;
  epoch_ = std::chrono::steady_clock::now();
  changed();
}

int Bench::smu_node() const {
  if (!config_.smu) throw std::logic_error("bench: this bench has no SMU");
  return config_.network.inputs[static_cast<std::size_t>(config_.smu->input)].node;
}

void Bench::set_smu_source(const SmuSource& source) {
  smu_node();
  check_smu_source(source);
  if (smu_source_ == source) return;
  smu_source_ = source;
  if (smu_on_) changed();
}

void Bench::set_smu_volts(double volts) {
  SmuSource s = smu_source_;
  s.volts = volts;
  set_smu_source(s);
}

void Bench::set_smu_output(bool on) {
  smu_node();
  if (smu_on_ == on) return;
  smu_on_ = on;
  changed();
}

double Bench::smu_volts() {
  smu_node();
  return regulated_drive().input_volts.at(static_cast<std::size_t>(config_.smu->input));
}

double Bench::smu_current() {
  smu_node();
  return read_amps(truth().source_amps.at(static_cast<std::size_t>(config_.smu->input)));
}

bool Bench::smu_in_compliance() {
  smu_node();
  truth();
  return smu_on_ && smu_tripped(smu_source_, smu_mode_);
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
  const auto p = static_cast<std::size_t>(c->plus), m = static_cast<std::size_t>(c->minus);
  const double exact = s.node_volts.at(p) - s.node_volts.at(m);
  const double before = before_ ? before_->node_volts.at(p) - before_->node_volts.at(m) : exact;
  return scanner_shown_[channel] = read_volts(exact, before);
}

std::optional<double> Bench::last_scanner_volts(int channel) const {
  const auto it = scanner_shown_.find(channel);
  if (it == scanner_shown_.end()) return std::nullopt;
  return it->second;
}

void Bench::set_digipot_code(int channel, int code) {
  Edge& e = config_.network.edges[static_cast<std::size_t>(digipot(channel).edge)];
  if (code < 0 || code > e.taps - 1)
    throw std::invalid_argument(fmt::format("bench: code {} is outside 0..{} of digipot \"{}\"", code, e.taps - 1, e.name));
  if (e.code == code) return;
  e.code = code;
  e.siemens = digipot_siemens(e, code);
  push_conductances();
}

int Bench::digipot_code(int channel) const {
  return config_.network.edges[static_cast<std::size_t>(digipot(channel).edge)].code;
}

int Bench::digipot_taps(int channel) const {
  return config_.network.edges[static_cast<std::size_t>(digipot(channel).edge)].taps;
}

int Bench::step_digipot(int channel, int steps) {
  const Edge& e = config_.network.edges[static_cast<std::size_t>(digipot(channel).edge)];
  const int code = pulsed_code(e.code, steps, e.taps, config_.realism, [this] { return rng_.uniform01(); });
  const int moved = code - e.code;
  set_digipot_code(channel, code);
  return moved;
}

void Bench::update_edges(const std::function<void(std::vector<Edge>&)>& edit) {
  edit(config_.network.edges);
  for (Edge& e : config_.network.edges)
    if (e.kind == ElementKind::Digipot) {
      e.code = std::clamp(e.code, 0, e.taps - 1);
      e.siemens = digipot_siemens(e, e.code);
    }
  push_conductances();
}

std::vector<double> Bench::true_conductances() const {
  std::vector<double> k = config_.network.conductances();
  for (std::size_t j = 0; j < k.size(); ++j) {
    const Edge& e = config_.network.edges[j];
    if (e.kind == ElementKind::Digipot && r_ab_factor_[j] != 1.0) {
      Edge drawn = e;  // the same device law, with this device's end-to-end resistance
      drawn.r_ab_ohms *= r_ab_factor_[j];
      k[j] = digipot_siemens(drawn, e.code);
    }
  }
  return k;
}

// Conductances reach the simulator lazily, at the next solve: a message that writes many digipot
// codes costs one update, not one per code.
void Bench::push_conductances() {
  conductances_stale_ = true;
  changed();
}

void Bench::sync_conductances() {
  if (!conductances_stale_) return;
  sim_.set_conductances(true_conductances());
  conductances_stale_ = false;
}

State Bench::solve_with(std::span<const double> siemens, const Drive& drive) {
  conductances_stale_ = true;  // the next ordinary solve restores the bench's own
  sim_.set_conductances(siemens);
  ++solves_;
  return sim_.solve(drive);
}

double Bench::measure_node_volts(int node) {
  const auto n = static_cast<std::size_t>(node);
  const double exact = truth().node_volts.at(n);
  return read_volts(exact, before_ ? before_->node_volts.at(n) : exact);
}

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
  std::size_t clamps = 0, clamps_on = 0;
  for (const SourceChannel& c : config_.source) {
    const auto i = static_cast<std::size_t>(c.channel - 1);
    if (c.is_clamp()) {
      ++clamps;
      if (on_[i]) ++clamps_on;
      continue;
    }
    d.input_volts[static_cast<std::size_t>(c.input)] = on_[i] ? volts_[i] : 0.0;
  }
  if (config_.smu)
    d.input_volts[static_cast<std::size_t>(config_.smu->input)] =
        smu_on_ ? as_regulated_output(smu_source_, static_cast<std::size_t>(config_.smu->input)).setpoint_volts : 0.0;
  if (clamps_on > 0) {
    if (clamps_on != clamps)
      throw InputError("bench.partial_clamp", "source channels",
                       fmt::format("{} of {} clamp channels are ON; the clamped phase holds every output, so "
                                   "switch all clamp channels ON or all OFF",
                                   clamps_on, clamps));
    d.phase = Phase::Clamped;
    d.clamp_volts.assign(config_.network.outputs.size(), 0.0);
    for (const SourceChannel& c : config_.source)
      if (c.is_clamp()) d.clamp_volts[static_cast<std::size_t>(c.output)] = volts_[static_cast<std::size_t>(c.channel - 1)];
  }
  return d;
}

const State& Bench::truth() {
  if (!state_) regulate();
  return *state_;
}

const Drive& Bench::regulated_drive() {
  truth();
  return regulated_;
}

State Bench::solve_counted(const Drive& d) {
  sync_conductances();
  ++solves_;
  return sim_.solve(d);
}

// The ON input channels and the SMU as regulated outputs (regulator.hpp); state_ becomes their
// regulated solve and mode_ / smu_mode_ their modes.
void Bench::regulate() {
  std::vector<RegulatedOutput> outputs;
  std::vector<std::size_t> channel_of;  // per output: channel - 1
  for (const SourceChannel& c : config_.source) {
    const auto i = static_cast<std::size_t>(c.channel - 1);
    if (c.is_clamp() || !on_[i]) continue;
    RegulatedOutput o;
    o.input = static_cast<std::size_t>(c.input);
    o.setpoint_volts = volts_[i];
    o.min_amps = -limit_[i];
    o.max_amps = limit_[i];
    o.name = "source channel " + std::to_string(c.channel);
    outputs.push_back(std::move(o));
    channel_of.push_back(i);
  }
  if (config_.smu && smu_on_) outputs.push_back(as_regulated_output(smu_source_, static_cast<std::size_t>(config_.smu->input)));

  Regulated r = spiceloop::regulate(drive(), outputs, [this](const Drive& d) { return solve_counted(d); });
  std::fill(mode_.begin(), mode_.end(), Regulation::CV);
  for (std::size_t k = 0; k < channel_of.size(); ++k) mode_[channel_of[k]] = r.modes[k];
  smu_mode_ = outputs.size() > channel_of.size() ? r.modes.back() : Regulation::CV;
  regulated_ = std::move(r.drive);
  state_ = std::move(r.state);
}

void Bench::set_realism(const Realism& realism) {
  config_.realism = realism;
  reseed(realism.seed);
}

void Bench::reseed(std::uint64_t seed) {
  config_.realism.seed = seed;
  rng_ = SplitMixRng(seed);
  epoch_ = std::chrono::steady_clock::now();
  draw_tolerances();
}

void Bench::draw_tolerances() {
  r_ab_factor_.assign(config_.network.edges.size(), 1.0);
  const double tol = config_.realism.digipot_tolerance;
  // Drawn from the seed's first numbers, in edge order, so the devices are the same for a seed.
  if (tol > 0)
    for (std::size_t j = 0; j < r_ab_factor_.size(); ++j)
      if (config_.network.edges[j].kind == ElementKind::Digipot)
        r_ab_factor_[j] = std::max(0.05, 1.0 + tol * rng_.gaussian());
  push_conductances();
}

double Bench::settled(double exact, double before) const {
  const double tau = config_.realism.settling_seconds;
  if (tau <= 0) return exact;
  const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - changed_at_).count();
  return exact + (before - exact) * std::exp(-t / tau);
}

double Bench::read_volts(double exact, double before) {
  const Realism& k = config_.realism;
  if (!k.perturbs_readings()) return exact;
  const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_).count();
  double v = settled(exact, before) + k.offset_volts + k.drift_volts_per_second * t;
  if (k.noise_volts > 0) v += k.noise_volts * rng_.gaussian();
  return quantise(v, k.lsb_volts);
}

double Bench::read_amps(double exact) {
  const Realism& k = config_.realism;
  double a = exact;
  if (k.noise_amps > 0) a += k.noise_amps * rng_.gaussian();
  return quantise(a, k.lsb_amps);
}

}  // namespace spiceloop
