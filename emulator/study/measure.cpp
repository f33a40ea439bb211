#include "emulator/study/measure.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "emulator/core/error.hpp"
#include "emulator/learning/rules/invariants.hpp"
#include "emulator/core/random.hpp"
#include "emulator/learning/rules/rule.hpp"
#include "emulator/learning/rules/update.hpp"
#include <Eigen/Dense>

#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/solver/oracle.hpp"
#include "emulator/study/drift.hpp"
#include "emulator/study/measurement_noise.hpp"
#include "emulator/study/small_nudge.hpp"

namespace spiceloop::study {

namespace {

struct StepOut {
  double loss = 0, s_quad = 0, euler_pred = 0, cos_grad = 0;
  double signal_rel_err = 0;  // first step only (step(true))
  std::vector<double> k, dk;
};

// cos(dk, -grad) over the trainable edges that have a value.
double cosine_to_descent(const Network& net, std::span<const double> dk, std::span<const double> grad) {
  double dot = 0, n_dk = 0, n_gr = 0;
  for (std::size_t j = 0; j < net.edges.size(); ++j) {
    if (!net.edges[j].trainable || !net.edges[j].has_value()) continue;
    dot += -grad[j] * dk[j];
    n_dk += dk[j] * dk[j];
    n_gr += grad[j] * grad[j];
  }
  return n_dk > 0 && n_gr > 0 ? dot / std::sqrt(n_dk * n_gr) : 0.0;
}

// m(k) of update.hpp: dk = alpha m(k) g.
double mobility(Parameter p, double k) {
  switch (p) {
    case Parameter::Conductance: return 1.0;
    case Parameter::Resistance: return k * k * k * k;
    case Parameter::LogConductance: return k * k;
    case Parameter::GateVoltage: return 1.0;  // not a sweep axis (sweep_spec.cpp): dV_G = alpha g
  }
  return 1.0;
}

void check_finite(const std::vector<double>& v, const char* what) {
  for (double x : v)
    if (!std::isfinite(x))
      throw SimulationError("sweep.non_finite", what, "a non-finite value; lower alpha or the nudge");
}

class PointStepper {
 public:
  PointStepper(const PointCircuit& c, const SweepPoint& p, FactorConvention conv, Simulator& sim)
      : net_(c.net), targets_(c.targets), point_(p), sim_(sim), exact_(exact_options()),
        updater_(UpdateSpec{p.mode, Rounding::Nearest, p.parameter, 0.0, 1.0, 0.0}, c.net, p.seed),
        train_rng_(Rng::stream(p.seed, RandomStream::Training)),
        noise_rng_(Rng::stream(p.seed, RandomStream::SweepNoise)) {
    rule_.kind = p.rule;
    rule_.nudge = p.nudge;
    rule_.convention = conv;
    sim_.load(net_);
    exact_.load(net_);
    if (net_.is_linear()) oracle_.emplace(net_);
  }

  // first: also the drift of the signal from its small-nudge prediction (small_nudge.hpp).
  StepOut step(bool first = false) {
    StepOut out;
    Drive free_drive;
    free_drive.phase = Phase::Free;
    State free = sim_.solve(free_drive);
    add_measurement_noise(net_, free, point_.breakers.noise_volts, noise_rng_);
    const std::vector<Drive> drives = nudged_drives(rule_, net_, free_drive, free, targets_);
    std::vector<State> nudged = sim_.solve_batch(drives);
    for (State& s : nudged) add_measurement_noise(net_, s, point_.breakers.noise_volts, noise_rng_);
    std::vector<double> g(net_.edges.size(), 0.0);
    accumulate_signal(rule_, net_, free, nudged, 1.0, g);
    check_finite(g, "the update signal");
    if (first) out.signal_rel_err = signal_rel_err(g, small_nudge_signal(rule_, targets_, exact_));

    if (!oracle_) return nonlinear_step(std::move(out), g, first);
    Oracle& oracle = *oracle_;
    const LossGradient lg = oracle.loss_gradient_only(targets_);
    out.loss = lg.loss;
    if (rule_.kind == RuleKind::CoupledLearning)
      out.s_quad = quadratic_form(oracle.output_conductance(), lg.residual);
    else if (rule_.kind == RuleKind::EquilibriumPropagation)
      out.s_quad = quadratic_form(oracle.output_resistance(), lg.residual);

    out.k = net_.conductances();
    out.dk = updater_.apply(net_, g, point_.alpha, train_rng_);
    check_finite(net_.conductances(), "an updated conductance");

    // The nu -> 0 step in the parameterisation: g -> 2c J^T H r (CL) or 2c J^T r = -2c dL/dk (EP).
    const double two_c = 2.0 * rule_.factor();
    Eigen::VectorXd rv = Eigen::Map<const Eigen::VectorXd>(lg.residual.data(), lg.residual.size());
    if (rule_.kind == RuleKind::CoupledLearning) rv = oracle.output_conductance() * rv;
    const Eigen::VectorXd limit = oracle.output_jacobian().transpose() * rv;
    double e2 = 0, dot = 0, n_dk = 0, n_gr = 0;
    for (std::size_t j = 0; j < net_.edges.size(); ++j) {
      const Edge& e = net_.edges[j];
      if (!e.trainable || !e.is_linear()) continue;
      const double grad = lg.dloss_dsiemens[j];
      const double step = point_.alpha * mobility(point_.parameter, out.k[j]) * two_c * limit[static_cast<Eigen::Index>(j)];
      e2 += step * step;
      dot += -grad * out.dk[j];
      n_dk += out.dk[j] * out.dk[j];
      n_gr += grad * grad;
    }
    out.euler_pred = e2;
    out.cos_grad = n_dk > 0 && n_gr > 0 ? dot / std::sqrt(n_dk * n_gr) : 0.0;

    advance();
    return out;
  }

  double loss() { return oracle_ ? oracle_->loss_gradient_only(targets_).loss : exact_loss(); }
  const Network& network() const { return net_; }
  double identity_factor_value() const { return identity_factor(rule_); }

 private:
  // Every backend (and the oracle) moves to the updated values.
  void advance() {
    const std::vector<double> k = net_.conductances();
    sim_.set_conductances(k);
    exact_.set_conductances(k);
    if (oracle_) oracle_->set_conductances(k);
  }

  double exact_loss() {
    const State free = exact_.solve(Drive{});
    double l = 0;
    for (std::size_t o = 0; o < targets_.size(); ++o) l += 0.5 * std::pow(targets_[o] - free.node_volts[net_.outputs[o]], 2);
    return l;
  }

  // Diodes or transistors: no linear identity (S, the Euler prediction); the loss and the exact
  // gradient come from the ideal backend's Newton (GradientSource).
  // Only the first step reports the loss and cos_grad (they cost two more solves).
  StepOut nonlinear_step(StepOut out, const std::vector<double>& g, bool first) {
    std::vector<double> grad;
    if (first) out.loss = exact_loss(), grad = exact_.loss_gradient(Drive{}, targets_);
    out.k = net_.conductances();
    out.dk = updater_.apply(net_, g, point_.alpha, train_rng_);
    check_finite(net_.conductances(), "an updated value");
    if (first) out.cos_grad = cosine_to_descent(net_, out.dk, grad);
    out.s_quad = std::nan("");
    advance();
    return out;
  }

  Network net_;
  std::vector<double> targets_;
  SweepPoint point_;
  Simulator& sim_;
  IdealSimulator exact_;           // the small-nudge reference, and the loss of a nonlinear network
  std::optional<Oracle> oracle_;   // linear networks only
  RuleSpec rule_;
  Updater updater_;
  Rng train_rng_, noise_rng_;
};

}  // namespace

PointResult measure_point(const PointCircuit& circuit, const SweepPoint& point, FactorConvention convention,
                          std::int64_t max_steps, Simulator& sim) {
  const double run_time = point.run_time;
  // alpha is a conductance-equivalent rate: another parameterisation takes alpha / m(k_rms), so
  // that one alpha axis gives steps of the same size whatever is learned.
  SweepPoint p = point;
  double k2 = 0;
  int n = 0;
  for (const Edge& e : circuit.net.edges)
    if (e.trainable && e.is_linear()) k2 += e.siemens * e.siemens, ++n;
  if (n > 0) p.alpha = point.alpha / mobility(point.parameter, std::sqrt(k2 / n));  // transistors: volts
  PointStepper stepper(circuit, p, convention, sim);
  const double f = stepper.identity_factor_value();
  const double nu = p.nudge, alpha = p.alpha;
  const bool centered = point.rule == RuleKind::CenteredEquilibriumPropagation;
  PointResult r;
  const double q0 = measure_invariants(circuit.net, {}).sum_k2;

  const StepOut first = stepper.step(true);
  const InvariantStep inv = invariant_step(circuit.net, first.k, first.dk);
  r.loss0 = first.loss;
  r.s_quad = first.s_quad;
  r.nudge_term = inv.nudge_k2;
  // A nonlinear network has no exact identity: s_quad is NaN, and so are the predictions built on it.
  r.nudge_pred = centered ? 0.0 : -f * alpha * nu * first.s_quad;
  const double scale = r.nudge_pred != 0.0 ? std::abs(r.nudge_pred) : std::sqrt(q0 * inv.euler_k2) * 2.0;
  r.nudge_rel_err = scale > 0 ? std::abs(r.nudge_term - r.nudge_pred) / scale : 0.0;
  r.euler_term = inv.euler_k2;
  r.euler_pred = first.euler_pred;
  r.dq = inv.d_k2;
  r.dq_over_q = q0 > 0 ? inv.d_k2 / q0 : 0.0;  // 0: no trainable resistor (a transistor network)
  r.eta_star_pred = !centered && first.s_quad > 0 ? first.euler_pred / (f * alpha * first.s_quad) : 0.0;
  if (!stepper.network().is_linear()) r.nudge_pred = r.nudge_rel_err = r.euler_pred = r.eta_star_pred = std::nan("");
  r.cos_grad = first.cos_grad;
  r.signal_rel_err = first.signal_rel_err;
  r.drift_k2 = normalised(inv.d_k2, inv.scale_k2);
  r.drift_r2 = normalised(inv.d_r2, inv.scale_r2);
  r.drift_lnk = normalised(inv.d_lnk, inv.scale_lnk);

  if (run_time <= 0.0) {
    r.loss_final = stepper.loss();
    return r;
  }
  r.run_steps = std::clamp<std::int64_t>(std::llround(run_time / point.alpha), 1, max_steps);
  double sum_k2 = inv.d_k2, sum_r2 = inv.d_r2, sum_lnk = inv.d_lnk;
  double len_k2 = inv.scale_k2, len_r2 = inv.scale_r2, len_lnk = inv.scale_lnk;
  double nudge_pred = r.nudge_pred;
  for (std::int64_t s = 1; s < r.run_steps; ++s) {
    const StepOut o = stepper.step();
    const InvariantStep i = invariant_step(circuit.net, o.k, o.dk);
    sum_k2 += i.d_k2, sum_r2 += i.d_r2, sum_lnk += i.d_lnk;
    len_k2 += i.scale_k2, len_r2 += i.scale_r2, len_lnk += i.scale_lnk;
    if (!centered) nudge_pred += -f * alpha * nu * o.s_quad;
  }
  r.loss_final = stepper.loss();
  r.total_dq = sum_k2;
  r.total_dq_rel = q0 > 0 ? sum_k2 / q0 : 0.0;
  r.total_nudge_pred = nudge_pred;
  r.total_k2 = normalised(sum_k2, len_k2);
  r.total_r2 = normalised(sum_r2, len_r2);
  r.total_lnk = normalised(sum_lnk, len_lnk);
  return r;
}

}  // namespace spiceloop::study
