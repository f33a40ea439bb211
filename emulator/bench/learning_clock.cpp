#include "emulator/bench/learning_clock.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "emulator/core/error.hpp"
#include "emulator/network/validate.hpp"

namespace spiceloop {

namespace {

// Stream of the twin-mismatch draws, mixed into the bench seed ("twin").
constexpr std::uint64_t kTwinStream = 0x7477696e;

bool all_finite(const std::vector<double>& v) {
  return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
}

[[noreturn]] void non_finite(const std::string& what) {
  throw SimulationError("network.non_finite", "learning network",
                        what + " is not finite; the clock stopped before changing any edge");
}

[[noreturn]] void out_of_range(const std::string& what) { throw ClockRefused(ClockRefused::Why::OutOfRange, what); }

}  // namespace

std::pair<double, double> settable_siemens(const Edge& e) {
  return {std::max(lower_bound_siemens(e), network_limits::kMinSiemens),
          std::min(upper_bound_siemens(e), network_limits::kMaxSiemens)};
}

LearningClock::LearningClock(Bench& bench, LearningClockSettings defaults)
    : bench_(bench),
      defaults_(defaults),
      continuous_(UpdateSpec{}, bench.network(), 1),
      sign_(UpdateSpec{.mode = UpdateMode::Sign}, bench.network(), 1) {
  reset();
}

void LearningClock::reset() {
  kind_ = RuleKind::CoupledLearning;
  update_ = UpdateMode::Continuous;
  eta_ = defaults_.eta;
  beta_ = defaults_.beta_siemens;
  alpha_ = defaults_.alpha;
  targets_.assign(bench_.network().outputs.size(), 0.0);
  clocks_ = 0;
  rng_ = Rng(1);
  twin_.reset();
}

void LearningClock::set_rule(RuleKind kind, UpdateMode update) {
  const bool supported = (kind == RuleKind::CoupledLearning || kind == RuleKind::EquilibriumPropagation) &&
                         (update == UpdateMode::Continuous ||
                          (update == UpdateMode::Sign && kind == RuleKind::CoupledLearning));
  if (!supported)
    throw std::invalid_argument(std::string("learning clock: no ") + rule_name(kind) + " rule with " +
                                update_mode_name(update) + " updates");
  if (update == UpdateMode::Sign) {
    const auto& edges = bench_.network().edges;
    for (std::size_t j = 0; j < edges.size(); ++j)
      if (edges[j].trainable && edges[j].kind == ElementKind::Resistor)
        throw ClockRefused(ClockRefused::Why::Conflict, "SIGN moves digipot taps; edge " + std::to_string(j + 1) +
                                                            " (" + edges[j].name + ") is a resistor");
  }
  kind_ = kind;
  update_ = update;
}

void LearningClock::set_eta(double eta) {
  if (!(eta > 0.0 && eta <= 1.0)) out_of_range("eta must lie in (0, 1]");
  eta_ = eta;
}

void LearningClock::set_beta(double beta_siemens) {
  if (!(beta_siemens > 0.0 && beta_siemens <= 1.0)) out_of_range("beta must lie in (0, 1] S");
  beta_ = beta_siemens;
}

void LearningClock::set_alpha(double alpha) {
  if (!(alpha >= 0.0 && alpha <= 1.0)) out_of_range("alpha must lie in [0, 1]");
  alpha_ = alpha;
}

void LearningClock::set_target(int output, double volts) {
  const int n = static_cast<int>(targets_.size());
  if (output < 1 || output > n)
    out_of_range("output " + std::to_string(output) + " not in the network (1.." + std::to_string(n) + ")");
  if (!(std::abs(volts) <= network_limits::kMaxAbsVolts)) out_of_range("a target lies within +/-1000 V");
  targets_[static_cast<std::size_t>(output - 1)] = volts;
}

// The drive the bench solved: setpoints, or the regulated voltage of a source channel in CC.
Drive LearningClock::free_drive() {
  Drive d = bench_.regulated_drive();
  if (d.phase != Phase::Free)
    throw ClockRefused(ClockRefused::Why::Conflict,
                       "source channels clamp the outputs; switch them OFF (the twins clamp their own outputs)");
  return d;
}

const std::vector<double>& LearningClock::twin_factors() {
  const Realism& r = bench_.realism();
  const std::pair<std::uint64_t, double> now{r.seed, r.twin_mismatch};
  if (!factors_for_ || *factors_for_ != now) {
    factors_.assign(bench_.network().edges.size(), 1.0);
    if (r.twin_mismatch > 0) {
      SplitMixRng rng(r.seed ^ kTwinStream);
      // Floored as the digipot tolerances are: a copy's conductance never reaches zero.
      for (double& f : factors_) f = std::max(0.05, 1.0 + r.twin_mismatch * rng.gaussian());
    }
    factors_for_ = now;
  }
  return factors_;
}

LearningClock::Key LearningClock::key() {
  Key k;
  k.inputs = free_drive().input_volts;
  k.siemens = bench_.true_conductances();
  k.targets = targets_;
  k.factors = twin_factors();
  k.eta = eta_;
  k.beta = beta_;
  k.kind = kind_;
  k.update = update_;
  return k;
}

TwinState LearningClock::solve_twin() {
  const Network& net = bench_.network();
  const Drive free = free_drive();
  TwinState t;
  t.free = bench_.truth();
  if (!all_finite(t.free.node_volts)) non_finite("a free-twin voltage");

  Drive second = free;
  if (kind_ == RuleKind::EquilibriumPropagation) {
    second = ep::nudged_drive(beta_, net, free, t.free, targets_);
  } else {
    // The twin's clamp as Simulator::solve_twin forms it, so the step equals the Trainer's twin CL.
    second.phase = Phase::Clamped;
    second.clamp_volts.resize(net.outputs.size());
    for (std::size_t o = 0; o < net.outputs.size(); ++o)
      second.clamp_volts[o] = (1.0 - eta_) * t.free.node_volts[net.outputs[o]] + eta_ * targets_[o];
  }
  std::vector<double> k = bench_.true_conductances();
  const std::vector<double>& f = twin_factors();
  for (std::size_t j = 0; j < k.size(); ++j) k[j] *= f[j];
  t.clamped = bench_.solve_with(k, second);
  if (!all_finite(t.clamped.node_volts)) non_finite("a clamped-twin voltage");
  return t;
}

const TwinState& LearningClock::twin() {
  Key now = key();
  if (!twin_ || now != twin_key_) {
    twin_ = solve_twin();
    twin_key_ = std::move(now);
  }
  return *twin_;
}

int LearningClock::tick(int cycles, const std::function<bool()>& interrupted) {
  if (cycles < 1) throw std::invalid_argument("learning clock: cycles must be >= 1");
  for (int i = 0; i < cycles; ++i) {
    if (interrupted && interrupted()) return i;
    // Always a fresh twin: the cached one is the previous clock's, taken before its update.
    twin_ = solve_twin();
    const TwinState& t = *twin_;
    Network net = bench_.network();
    std::vector<double> signal(net.edges.size(), 0.0);
    if (kind_ == RuleKind::EquilibriumPropagation)
      ep::accumulate(beta_, 1.0, net, t.free, t.clamped, 1.0, signal);
    else
      cl::accumulate(eta_, 1.0, net, t.free, t.clamped, 1.0, signal);
    if (!all_finite(signal)) non_finite("the update signal");
    (update_ == UpdateMode::Sign ? sign_ : continuous_).apply(net, signal, alpha_, rng_);
    if (!all_finite(net.conductances())) non_finite("an updated conductance");
    bench_.update_edges([&](std::vector<Edge>& edges) {
      for (std::size_t j = 0; j < edges.size(); ++j) {
        if (!edges[j].trainable || !edges[j].is_linear()) continue;
        edges[j].siemens = net.edges[j].siemens;
        edges[j].code = net.edges[j].code;
      }
    });
    ++clocks_;
    // The twin of this clock answers twin() until something changes.
    twin_key_ = key();
  }
  return cycles;
}

double LearningClock::cost() {
  free_drive();
  const State& s = bench_.truth();
  const auto& outputs = bench_.network().outputs;
  double c = 0.0;
  for (std::size_t o = 0; o < outputs.size(); ++o) {
    const double r = s.node_volts[static_cast<std::size_t>(outputs[o])] - targets_[o];
    c += 0.5 * r * r;
  }
  return c;
}

}  // namespace spiceloop
