#include "emulator/bench/bench.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "emulator/core/error.hpp"
#include "emulator/network/validate.hpp"

namespace spiceloop {

namespace {

void check_volts(double volts, const char* what) {
  if (!std::isfinite(volts) || std::abs(volts) > network_limits::kMaxAbsVolts)
    throw std::invalid_argument(fmt::format("bench: {} V is not a settable {} voltage", volts, what));
}

double quantise(double v, double lsb) { return lsb > 0 ? std::round(v / lsb) * lsb : v; }

// Compliance (CV/CC crossover). A channel is over its limit only beyond rounding, so one sitting
// exactly at its limit stays in CV; a CC current counts as reached at kReachedRel, or at kCloseRel
// once Newton stops gaining (a simulator such as ngspice only converges to its own tolerances).
constexpr double kOverRel = 1e-9;
constexpr double kReachedRel = 1e-13;
constexpr double kCloseRel = 1e-9;
constexpr double kTinyAmps = 1e-18;
constexpr double kCloseAmps = 1e-15;  // SolverOptions::abstol_amps
constexpr double kStepVolts = 1e-4;   // finite-difference step, relative to max(1 V, |V|)
constexpr int kMaxComplianceIterations = 20;
constexpr int kMaxHalvings = 8;

bool over_limit(double amps, double limit) { return std::abs(amps) > limit * (1 + kOverRel) + kTinyAmps; }

// Solves a (n x n) x = b in place by Gaussian elimination with partial pivoting; false if singular.
bool solve_dense(std::vector<double>& a, std::vector<double>& b) {
  const std::size_t n = b.size();
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t p = k;
    for (std::size_t r = k + 1; r < n; ++r)
      if (std::abs(a[r * n + k]) > std::abs(a[p * n + k])) p = r;
    if (!(std::abs(a[p * n + k]) > 0) || !std::isfinite(a[p * n + k])) return false;
    if (p != k) {
      for (std::size_t c = 0; c < n; ++c) std::swap(a[k * n + c], a[p * n + c]);
      std::swap(b[k], b[p]);
    }
    for (std::size_t r = k + 1; r < n; ++r) {
      const double f = a[r * n + k] / a[k * n + k];
      for (std::size_t c = k; c < n; ++c) a[r * n + c] -= f * a[k * n + c];
      b[r] -= f * b[k];
    }
  }
  for (std::size_t k = n; k-- > 0;) {
    double x = b[k];
    for (std::size_t c = k + 1; c < n; ++c) x -= a[k * n + c] * b[c];
    b[k] = x / a[k * n + k];
    if (!std::isfinite(b[k])) return false;
  }
  return true;
}

}  // namespace

Bench::Bench(BenchConfig config, Simulator& sim)
    : config_(std::move(config)),
      sim_(sim),
      volts_(config_.source.size(), 0.0),
      on_(config_.source.size(), false),
      limit_(config_.source.size(), std::numeric_limits<double>::infinity()),
      mode_(config_.source.size(), Mode::CV) {
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
  return mode_[i] != Mode::CV;
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
  smu_volts_ = 0.0;
  smu_on_ = false;
  epoch_ = std::chrono::steady_clock::now();
  changed();
}

int Bench::smu_node() const {
  if (!config_.smu) throw std::logic_error("bench: this bench has no SMU");
  return config_.network.inputs[static_cast<std::size_t>(config_.smu->input)].node;
}

void Bench::set_smu_volts(double volts) {
  smu_node();
  check_volts(volts, "SMU");
  if (smu_volts_ == volts) return;
  smu_volts_ = volts;
  if (smu_on_) changed();
}

void Bench::set_smu_output(bool on) {
  smu_node();
  if (smu_on_ == on) return;
  smu_on_ = on;
  changed();
}

double Bench::smu_current() {
  smu_node();
  return read_amps(truth().source_amps.at(static_cast<std::size_t>(config_.smu->input)));
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
  return read_volts(exact, before);
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
  const int dir = steps < 0 ? -1 : 1;
  const Realism& k = config_.realism;
  int code = e.code;
  for (int i = 0; i < std::abs(steps); ++i) {
    int taps = 1;
    if (k.digipot_miss_probability > 0 || k.digipot_double_probability > 0) {
      const double u = rng_.uniform();
      if (u < k.digipot_miss_probability)
        taps = 0;
      else if (u < k.digipot_miss_probability + k.digipot_double_probability)
        taps = 2;
    }
    code = std::clamp(code + dir * taps, 0, e.taps - 1);
  }
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
  if (config_.smu) d.input_volts[static_cast<std::size_t>(config_.smu->input)] = smu_on_ ? smu_volts_ : 0.0;
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
  if (!state_) {
    Drive d = drive();
    State s = regulate(d);
    regulated_ = std::move(d);
    state_ = std::move(s);
  }
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

// Solves at d's setpoints, then moves the inputs of channels over their limits until each delivers
// sign(I) * limit (mode_ records which). d ends as the drive of the returned state.
State Bench::regulate(Drive& d) {
  std::fill(mode_.begin(), mode_.end(), Mode::CV);
  State s = solve_counted(d);
  std::vector<std::size_t> candidates;  // channel - 1 of each ON input channel with a finite limit
  for (const SourceChannel& c : config_.source) {
    const auto i = static_cast<std::size_t>(c.channel - 1);
    if (!c.is_clamp() && on_[i] && std::isfinite(limit_[i])) candidates.push_back(i);
  }
  if (candidates.empty()) return s;

  auto input = [&](std::size_t i) { return static_cast<std::size_t>(config_.source[i].input); };
  auto target = [&](std::size_t i) { return static_cast<double>(static_cast<signed char>(mode_[i])) * limit_[i]; };
  // Worst CC miss, relative to the limit; reached / close when every CC channel meets the tolerance.
  struct Miss {
    double worst = 0.0;
    bool reached = true, close = true;
  };
  auto miss = [&](const State& st, const std::vector<std::size_t>& cc) {
    Miss m;
    for (std::size_t i : cc) {
      const double e = std::abs(st.source_amps.at(input(i)) - target(i));
      m.worst = std::max(m.worst, e / (limit_[i] + kCloseAmps));
      m.reached = m.reached && e <= kReachedRel * limit_[i] + kTinyAmps;
      m.close = m.close && e <= kCloseRel * limit_[i] + kCloseAmps;
    }
    return m;
  };

  double previous = std::numeric_limits<double>::infinity();
  bool dropped = false;  // a channel went back to CV in the last step
  for (int iteration = 0; iteration <= kMaxComplianceIterations; ++iteration) {
    bool added = false;
    for (std::size_t i : candidates) {
      const double amps = s.source_amps.at(input(i));
      if (mode_[i] == Mode::CV && over_limit(amps, limit_[i])) {
        mode_[i] = amps > 0 ? Mode::CCPlus : Mode::CCMinus;
        added = true;
      }
    }
    std::vector<std::size_t> cc;
    for (std::size_t i : candidates)
      if (mode_[i] != Mode::CV) cc.push_back(i);
    if (cc.empty()) return s;
    const Miss now = miss(s, cc);
    if (!added && (now.reached || (now.close && now.worst > 0.5 * previous))) return s;
    if (iteration == kMaxComplianceIterations) break;
    previous = added || dropped ? std::numeric_limits<double>::infinity() : now.worst;

    // Newton on the CC voltages: J = dI_cc / dV_cc by forward differences, stepping each voltage
    // away from its setpoint (the side its CC voltage lies on).
    const std::size_t n = cc.size();
    std::vector<double> jac(n * n), step(n);
    for (std::size_t k = 0; k < n; ++k) step[k] = target(cc[k]) - s.source_amps.at(input(cc[k]));
    for (std::size_t col = 0; col < n; ++col) {
      Drive probe = d;
      double& v = probe.input_volts[input(cc[col])];
      const double h = -static_cast<double>(static_cast<signed char>(mode_[cc[col]])) * kStepVolts * std::max(1.0, std::abs(v));
      v += h;
      const State q = solve_counted(probe);
      for (std::size_t row = 0; row < n; ++row)
        jac[row * n + col] = (q.source_amps.at(input(cc[row])) - s.source_amps.at(input(cc[row]))) / h;
    }
    if (!solve_dense(jac, step)) break;

    // Each CC voltage stays on its side of the setpoint; one the step takes to it goes back to CV
    // (the active set changes, so that step is taken whole). Otherwise the step is halved while it
    // makes the worst miss larger (diodes; for resistors the whole step is exact).
    Drive trial;
    State next;
    bool hit = false;
    for (int halving = 0;; ++halving) {
      const double t = std::ldexp(1.0, -halving);
      trial = d;
      hit = false;
      for (std::size_t k = 0; k < n; ++k) {
        const std::size_t i = cc[k];
        const double lo = mode_[i] == Mode::CCPlus ? -network_limits::kMaxAbsVolts : volts_[i];
        const double hi = mode_[i] == Mode::CCPlus ? volts_[i] : network_limits::kMaxAbsVolts;
        double& v = trial.input_volts[input(i)];
        v = std::clamp(v + t * step[k], lo, hi);
        hit = hit || v == volts_[i];
      }
      next = solve_counted(trial);
      if (hit || halving == kMaxHalvings || miss(next, cc).worst <= now.worst) break;
    }
    d = std::move(trial);
    s = std::move(next);
    dropped = false;
    for (std::size_t i : cc)
      if (d.input_volts[input(i)] == volts_[i]) mode_[i] = Mode::CV, dropped = true;
  }
  std::string channels;
  for (std::size_t i : candidates)
    if (mode_[i] != Mode::CV) channels += (channels.empty() ? "" : ", ") + std::to_string(i + 1);
  throw SimulationError("bench.compliance_not_converged", "source channels " + channels,
                        fmt::format("the constant-current voltages did not converge in {} iterations; check "
                                    "the current limits against the network (a limit the load cannot reach "
                                    "within +/-{} V has no CC voltage)",
                                    kMaxComplianceIterations, network_limits::kMaxAbsVolts));
}

void Bench::set_realism(const Realism& realism) {
  config_.realism = realism;
  reseed(realism.seed);
}

void Bench::reseed(std::uint64_t seed) {
  config_.realism.seed = seed;
  rng_ = BenchRng(seed);
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
