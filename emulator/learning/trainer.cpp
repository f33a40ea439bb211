#include "emulator/learning/trainer.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>

#include "emulator/core/error.hpp"
#include "emulator/core/fingerprint.hpp"
#include "emulator/learning/rules/rule.hpp"
#include "emulator/learning/run/checkpoint_checks.hpp"

namespace spiceloop {

namespace {

void add_network(Fingerprint& f, const Network& net) {
  f.add(net.name);
  for (const auto& n : net.node_names) f.add(n);
  for (const Edge& e : net.edges) {
    f.add(e.name);
    for (std::int64_t x : {std::int64_t{e.a}, std::int64_t{e.b}, std::int64_t(e.kind), std::int64_t{e.trainable},
                           std::int64_t{e.taps}, std::int64_t{e.code}})
      f.add(x);
    for (double x : {e.siemens, e.min_siemens, e.max_siemens, e.r_ab_ohms, e.r_wiper_ohms, e.is_amps, e.emission})
      f.add(x);
    if (e.kind == ElementKind::Memristor) {
      const MemristorParams& p = e.memristor;
      f.add(std::int64_t(p.model));
      for (double x : {p.step_siemens, p.up_down, p.step_noise, p.spread, p.gamma, p.stuck_on_rate, p.stuck_off_rate,
                       p.drift_nu, p.drift_t0_seconds, p.seconds_per_update, p.read_volts})
        f.add(x);
    }
  }
  for (const Input& in : net.inputs) f.add(std::int64_t{in.node}), f.add(in.volts);
  for (int o : net.outputs) f.add(std::int64_t{o});
}

void add_samples(Fingerprint& f, const std::vector<Sample>& samples) {
  f.add(static_cast<std::int64_t>(samples.size()));
  for (const Sample& s : samples) {
    for (double v : s.input_volts) f.add(v);
    for (double t : s.targets) f.add(t);
    f.add(std::int64_t{s.label});
  }
}

bool all_finite(const std::vector<double>& v) {
  return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
}

[[noreturn]] void non_finite(std::int64_t step, const std::string& what) {
  throw SimulationError("train.non_finite", "step " + std::to_string(step),
                        what + " is not finite; training stopped before changing the network "
                               "(the last checkpoint is intact). Lower alpha or the nudge, or check the network.");
}

// The network is checked against the config before the data set is built: a data set too large
// for memory is refused before it is allocated.
Dataset checked_dataset(const TrainConfig& config, const Network& net) {
  validate_against_network(config, net);
  return make_dataset(config.task, net, config.seed);
}

Drive free_drive(const Sample& s) {
  Drive d;
  d.phase = Phase::Free;
  d.input_volts = s.input_volts;
  return d;
}

}  // namespace

Trainer::Trainer(const TrainConfig& config, Network net, Simulator& sim, Simulator* oracle)
    : config_(config),
      net_(std::move(net)),
      sim_(sim),
      oracle_(oracle),
      data_(checked_dataset(config, net_)),
      updater_(config.update, net_, config.seed),
      rng_(Rng::stream(config.seed, RandomStream::Training)) {
  updater_.place_devices(net_);  // the run's own devices: spread, stuck (update.hpp)
  if (static_cast<int>(data_.train.size()) < config_.batch_size)
    throw InputError("config.invalid", config_.source.empty() ? "/batch_size" : config_.source + "#/batch_size",
                     "batch_size is larger than the training set (" + std::to_string(data_.train.size()) + ")");
  batches_per_epoch_ = (static_cast<std::int64_t>(data_.train.size()) + config_.batch_size - 1) / config_.batch_size;

  Fingerprint f;
  nlohmann::json doc = config_.document;
  doc.erase("output_dir");  // where a run is written does not change what it computes
  doc.erase("description");
  f.add(doc.dump());
  add_network(f, net_);
  add_samples(f, data_.train);
  add_samples(f, data_.test);
  f.add(sim_.name());
  fingerprint_ = f.hex();

  sim_.load(net_);
  identity_applies_ = oracle_ != nullptr && net_.is_linear() &&
                      config_.rule.kind != RuleKind::CenteredEquilibriumPropagation;
  transistors_ = std::any_of(net_.edges.begin(), net_.edges.end(),
                             [](const Edge& e) { return e.kind == ElementKind::Transistor; });
  if (transistors_ && oracle_ != nullptr) gradient_ = dynamic_cast<GradientSource*>(oracle_);
  if (identity_applies_ || gradient_) oracle_->load(net_);
}

void Trainer::push_conductances() {
  const std::vector<double> k = net_.conductances();
  sim_.set_conductances(k);
  if (identity_applies_ || gradient_) oracle_->set_conductances(k);
}

std::vector<State> Trainer::nudged_states(const std::vector<Drive>& free_drives, std::vector<State>& free,
                                          const std::vector<const Sample*>& batch) {
  std::vector<State> nudged;
  if (config_.rule.twin) {
    // The lab's twin network: free and clamped copies in one circuit, one solve per sample.
    for (const Sample* s : batch) {
      Drive d = free_drive(*s);
      d.phase = Phase::Twin;
      d.twin_eta = config_.rule.nudge;
      d.twin_targets = s->targets;
      TwinState t = sim_.solve_twin(d);
      if (!all_finite(t.free.node_volts) || !all_finite(t.clamped.node_volts))
        non_finite(step_ + 1, "a twin-state voltage");
      free.push_back(std::move(t.free));
      nudged.push_back(std::move(t.clamped));
    }
    return nudged;
  }
  free = sim_.solve_batch(free_drives);
  // A non-finite free state would otherwise reach the clamp or nudge of the next phase.
  for (const State& f : free)
    if (!all_finite(f.node_volts)) non_finite(step_ + 1, "a free-state voltage");
  std::vector<Drive> drives;
  for (std::size_t i = 0; i < batch.size(); ++i)
    for (Drive& d : nudged_drives(config_.rule, net_, free_drives[i], free[i], batch[i]->targets))
      drives.push_back(std::move(d));
  return sim_.solve_batch(drives);
}

StepReport Trainer::step() {
  assert(!done());
  const int n = static_cast<int>(data_.train.size());
  if (batch_ == 0) {
    order_.resize(n);
    std::iota(order_.begin(), order_.end(), 0);
    rng_.shuffle(order_);
  }
  const int first = batch_ * config_.batch_size;
  const int last = std::min(first + config_.batch_size, n);
  std::vector<const Sample*> batch;
  std::vector<Drive> free_drives;
  for (int i = first; i < last; ++i) {
    batch.push_back(&data_.train[order_[i]]);
    free_drives.push_back(free_drive(*batch.back()));
  }

  StepReport rep;
  rep.step = step_ + 1;
  rep.epoch = epoch_ + 1;
  std::vector<State> free;
  const std::vector<State> nudged = nudged_states(free_drives, free, batch);
  const std::size_t per = nudged.size() / batch.size();

  const double weight = 1.0 / static_cast<double>(batch.size());
  rep.signal.assign(net_.edges.size(), 0.0);
  double s_sum = 0.0;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    rep.loss += weight * sample_loss(net_, free[i], *batch[i]);
    accumulate_signal(config_.rule, net_, free[i], std::span(nudged).subspan(i * per, per), weight, rep.signal);
    if (identity_applies_) {
      const auto r = output_residual(net_, free[i], batch[i]->targets);
      s_sum += weight * oracle_->solve(identity_drive(config_.rule, net_, r)).power_watts;
    }
  }
  std::vector<double> gradient;
  if (transistors_) {
    rep.sum_effective_siemens2 = 0.0;
    for (std::size_t i = 0; i < batch.size(); ++i) *rep.sum_effective_siemens2 += weight * sum_effective_siemens2(net_, free[i]);
  }
  if (gradient_) {
    gradient.assign(net_.edges.size(), 0.0);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const std::vector<double> g = gradient_->loss_gradient(free_drives[i], batch[i]->targets);
      for (std::size_t j = 0; j < g.size(); ++j) gradient[j] += weight * g[j];
    }
  }
  if (!std::isfinite(rep.loss)) non_finite(rep.step, "the loss");
  rep.free_volts = free.front().node_volts;
  if (!all_finite(rep.signal)) non_finite(rep.step, "the update signal");

  const double alpha = config_.alpha;
  const std::vector<double> k = net_.conductances();
  rep.k_dot_dk_rule = alpha * dot_trainable(net_, k, rep.signal);
  if (identity_applies_) {
    const double predicted = identity_factor(config_.rule) * alpha * config_.rule.nudge * s_sum;
    rep.identity_s = s_sum;
    rep.identity_residual = 2.0 * rep.k_dot_dk_rule + predicted;
    rep.identity_relative = predicted > 0.0 ? std::abs(*rep.identity_residual) / predicted : std::abs(*rep.identity_residual);
  } else if (config_.rule.kind == RuleKind::CenteredEquilibriumPropagation && net_.is_linear()) {
    // k . grad L = 0 exactly (L is scale-free), and centered EP is the exact gradient: S = 0.
    rep.identity_s = 0.0;
    rep.identity_residual = 2.0 * rep.k_dot_dk_rule;
    const double scale = 2.0 * alpha * std::sqrt(dot_trainable(net_, k, k) * dot_trainable(net_, rep.signal, rep.signal));
    rep.identity_relative = scale > 0.0 ? std::abs(*rep.identity_residual) / scale : 0.0;
  }

  if (gradient_) {
    // The rule's own step (before mode, rates and clipping) against steepest descent.
    const double dot = dot_trainable(net_, rep.signal, gradient);
    const double norms = std::sqrt(dot_trainable(net_, rep.signal, rep.signal) * dot_trainable(net_, gradient, gradient));
    rep.cos_gradient = norms > 0.0 ? -dot / norms : 0.0;
  }

  rep.before = invariants();
  std::vector<int> codes;
  for (const Edge& e : net_.edges) codes.push_back(e.code);
  rep.dk = updater_.apply(net_, rep.signal, alpha, rng_);
  if (!all_finite(net_.conductances())) {
    for (std::size_t j = 0; j < net_.edges.size(); ++j) {
      Edge& e = net_.edges[j];
      if (e.has_siemens()) e.siemens = k[j];
      if (e.kind == ElementKind::Transistor) e.gate_volts = k[j];
      e.code = codes[j];
    }
    non_finite(rep.step, "an updated conductance");
  }
  rep.after = invariants();
  rep.k_dot_dk = dot_trainable(net_, k, rep.dk);
  push_conductances();

  ++step_;
  if (++batch_ == batches_per_epoch_) {
    batch_ = 0;
    ++epoch_;
  }
  return rep;
}

EvalRecord Trainer::evaluate() {
  EvalRecord e;
  const auto measure = [&](const std::vector<Sample>& samples, double& loss, double& accuracy, bool modes) {
    std::vector<Drive> drives;
    for (const Sample& s : samples) drives.push_back(free_drive(s));
    const std::vector<State> states = sim_.solve_batch(drives);
    loss = 0.0;
    int correct = 0;
    for (std::size_t i = 0; i < samples.size(); ++i) {
      loss += sample_loss(net_, states[i], samples[i]);
      correct += sample_correct(data_, net_, states[i], samples[i]) ? 1 : 0;
    }
    loss /= static_cast<double>(samples.size());
    accuracy = data_.readout == Readout::None ? -1.0 : static_cast<double>(correct) / static_cast<double>(samples.size());
    if (modes) e.error_modes = error_modes(data_, net_, samples, states);
  };
  measure(data_.train, e.train_loss, e.train_accuracy, true);
  measure(data_.test, e.test_loss, e.test_accuracy, false);
  if (!std::isfinite(e.train_loss) || !std::isfinite(e.test_loss)) non_finite(step_, "the evaluation loss");
  return e;
}

void Trainer::reset_solver_history() {
  sim_.reset_history();
  if (identity_applies_) oracle_->reset_history();
}

Checkpoint Trainer::save() const {
  Checkpoint c;
  c.hash = fingerprint_;
  c.convention = convention_name(config_.rule.convention);
  c.step = step_;
  c.epoch = epoch_;
  c.batch = batch_;
  if (batch_ > 0) c.order = order_;
  c.rng = rng_.state();
  const bool memristors = std::any_of(net_.edges.begin(), net_.edges.end(),
                                      [](const Edge& e) { return e.kind == ElementKind::Memristor; });
  for (const Edge& e : net_.edges) {
    c.siemens.push_back(e.value());  // gate volts for a transistor
    c.codes.push_back(e.code);
    if (memristors) {
      c.programmed_siemens.push_back(e.programmed_siemens);
      c.seconds_since_programmed.push_back(e.seconds_since_programmed);
    }
  }
  return c;
}

void Trainer::restore(const Checkpoint& c) {
  assert(step_ == 0 && "restore() continues a run from its start network only");
  check_checkpoint(c, CheckpointRun{fingerprint_, convention_name(config_.rule.convention), config_.epochs,
                                    batches_per_epoch_, data_.train.size(), net_, updater_});
  try {
    rng_.set_state(c.rng);
  } catch (const InputError& e) {
    throw InputError(e.id(), checkpoint_where(c, "/rng"), e.message());
  }
  step_ = c.step;
  epoch_ = c.epoch;
  batch_ = c.batch;
  order_ = c.order;
  for (std::size_t j = 0; j < net_.edges.size(); ++j) {
    Edge& e = net_.edges[j];
    if (e.kind == ElementKind::Transistor) e.gate_volts = c.siemens[j];
    if (!e.has_siemens()) continue;
    e.siemens = c.siemens[j];
    e.code = c.codes[j];
    if (e.kind == ElementKind::Memristor) {
      e.programmed_siemens = c.programmed_siemens[j];
      e.seconds_since_programmed = c.seconds_since_programmed[j];
    }
  }
  push_conductances();
}

}  // namespace spiceloop
