#include "emulator/learning/trainer.hpp"

#include <algorithm>
#include <cassert>
#include <chrono>
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

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

bool all_finite(std::span<const double> v) {
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

void set_free_drive(const Sample& s, Drive& d) {
  d.phase = Phase::Free;
  d.input_volts = s.input_volts;
}

std::vector<Drive> free_drives(const std::vector<Sample>& samples) {
  std::vector<Drive> out(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) set_free_drive(samples[i], out[i]);
  return out;
}

}  // namespace

Trainer::Trainer(const TrainConfig& config, Network net, Simulator& sim, Simulator* oracle)
    : config_(config),
      net_(std::move(net)),
      sim_(sim),
      oracle_(oracle),
      data_(checked_dataset(config, net_)),
      updater_(config.update, net_, config.seed),
      rng_(Rng::stream(config.seed, RandomStream::Training)),
      pass_(net_, updater_) {
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

  const std::size_t m = net_.edges.size();
  k_ = net_.conductances();
  codes_.resize(m);
  for (std::size_t j = 0; j < m; ++j) codes_[j] = net_.edges[j].code;
  k_next_.assign(m, 0.0);
  codes_next_ = codes_;  // equal whenever a step starts (step_pass.hpp)
  signal_.assign(m, 0.0);
  dk_.assign(m, 0.0);
  programmed_.assign(updater_.has_memristors() ? m : 0, 0);
  pulses_.assign(updater_.has_memristors() ? m : 0, 0);
  train_drives_ = free_drives(data_.train);
  test_drives_ = free_drives(data_.test);

  sim_.load(net_);
  identity_applies_ = oracle_ != nullptr && net_.is_linear() &&
                      config_.rule.kind != RuleKind::CenteredEquilibriumPropagation;
  transistors_ = std::any_of(net_.edges.begin(), net_.edges.end(),
                             [](const Edge& e) { return e.kind == ElementKind::Transistor; });
  if (transistors_ && oracle_ != nullptr) gradient_ = dynamic_cast<GradientSource*>(oracle_);
  if (identity_applies_ || gradient_) oracle_->load(net_);
}

const Network& Trainer::network() const {
  if (net_stale_) {
    for (std::size_t j = 0; j < net_.edges.size(); ++j) {
      Edge& e = net_.edges[j];
      if (e.kind == ElementKind::Transistor) e.gate_volts = k_[j];
      if (!e.has_siemens()) continue;
      e.siemens = k_[j];
      e.code = codes_[j];
    }
    net_stale_ = false;
  }
  return net_;
}

Invariants Trainer::invariants() const {
  return invariants_ ? *invariants_ : measure_invariants(net_, k_, updater_.rate_factors());
}

void Trainer::push_conductances() {
  sim_.set_conductances(k_);
  if (identity_applies_ || gradient_) oracle_->set_conductances(k_);
}

Share Trainer::my_share(std::size_t samples) const {
  return team_ == nullptr ? Share{0, samples} : share_of(samples, team_->rank(), team_->size());
}

bool Trainer::shared() const { return team_ != nullptr && team_->size() > 1; }

void Trainer::solve_rows(Simulator& sim, std::span<const Drive> drives, std::size_t first, NodeVoltages& out) {
  if (!shared()) return sim.solve_nodes(drives, out);  // every row, in place
  if (drives.empty()) return;
  sim.solve_nodes(drives, mine_);
  const std::span<double> mine = mine_.all();
  std::copy(mine.begin(), mine.end(), out.all().begin() + static_cast<std::ptrdiff_t>(first * out.nodes()));
}

void Trainer::gather(std::size_t samples, std::span<const Gathered> arrays, ShareTimes& times) {
  if (!shared()) return;
  const auto t0 = std::chrono::steady_clock::now();
  const int size = team_->size();
  counts_.assign(static_cast<std::size_t>(size), 0);
  std::size_t total = 0, mine_at = 0;
  for (int r = 0; r < size; ++r) {
    const Share s = share_of(samples, r, size);
    for (const Gathered& g : arrays) counts_[static_cast<std::size_t>(r)] += static_cast<int>(s.count * g.per * g.rows->nodes());
    if (r == team_->rank()) mine_at = total;
    total += static_cast<std::size_t>(counts_[static_cast<std::size_t>(r)]);
  }
  packed_.resize(total);
  // Rank r's part: its rows of each array in turn. copy(r, true) packs them, copy(r, false) unpacks.
  const auto copy = [&](int r, std::size_t at, bool pack) {
    const Share s = share_of(samples, r, size);
    for (const Gathered& g : arrays) {
      const std::size_t n = s.count * g.per * g.rows->nodes();
      double* rows = g.rows->all().data() + s.first * g.per * g.rows->nodes();
      double* part = packed_.data() + at;
      pack ? std::copy(rows, rows + n, part) : std::copy(part, part + n, rows);
      at += n;
    }
  };
  copy(team_->rank(), mine_at, true);
  team_->allgather_in_place(packed_, counts_);
  for (int r = 0, at = 0; r < size; at += counts_[static_cast<std::size_t>(r)], ++r)
    if (r != team_->rank()) copy(r, static_cast<std::size_t>(at), false);
  times.gather_seconds += seconds_since(t0);
  times.values += static_cast<std::int64_t>(total);
}

void Trainer::solve_phases() {
  const std::size_t batch = batch_samples_.size(), nodes = static_cast<std::size_t>(net_.node_count());
  const RuleSpec& rule = config_.rule;
  const Share share = my_share(batch);
  if (rule.twin) {
    // The lab's twin network: free and clamped copies in one circuit, one solve per sample.
    free_v_.resize(batch, nodes);
    nudged_v_.resize(batch, nodes);
    nudged_drives_.resize(1);
    for (std::size_t i = share.first; i < share.first + share.count; ++i) {
      Drive& d = nudged_drives_[0];
      d = free_drives_[i];
      d.phase = Phase::Twin;
      d.twin_eta = rule.nudge;
      d.twin_targets = batch_samples_[i]->targets;
      const TwinState t = sim_.solve_twin(d);
      if (!all_finite(t.free.node_volts) || !all_finite(t.clamped.node_volts))
        non_finite(step_ + 1, "a twin-state voltage");
      std::copy(t.free.node_volts.begin(), t.free.node_volts.end(), free_v_.row(i).begin());
      std::copy(t.clamped.node_volts.begin(), t.clamped.node_volts.end(), nudged_v_.row(i).begin());
    }
    return;
  }
  if (shared()) free_v_.resize(batch, nodes);
  solve_rows(sim_, std::span(free_drives_).subspan(share.first, share.count), share.first, free_v_);
  // A non-finite free state would otherwise reach the clamp or nudge of the next phase.
  for (std::size_t i = share.first; i < share.first + share.count; ++i)
    if (!all_finite(free_v_.row(i))) non_finite(step_ + 1, "a free-state voltage");
  const std::size_t per = nudged_drive_count(rule);
  nudged_drives_.resize(batch * per);
  for (std::size_t i = share.first; i < share.first + share.count; ++i)
    set_nudged_drives(rule, net_, free_drives_[i], free_v_.row(i), batch_samples_[i]->targets,
                      std::span(nudged_drives_).subspan(i * per, per));
  if (shared()) nudged_v_.resize(batch * per, nodes);
  solve_rows(sim_, std::span(nudged_drives_).subspan(share.first * per, share.count * per), share.first * per,
             nudged_v_);
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
  const std::size_t batch = static_cast<std::size_t>(last - first);
  batch_samples_.clear();
  free_drives_.resize(batch);
  for (int i = first; i < last; ++i) {
    batch_samples_.push_back(&data_.train[order_[i]]);
    set_free_drive(*batch_samples_.back(), free_drives_[static_cast<std::size_t>(i - first)]);
  }

  StepReport rep;
  rep.step = step_ + 1;
  rep.epoch = epoch_ + 1;
  // This rank's share of the batch: its phases, then its identity drives (each from its own free
  // state), then every rank's states in one gather.
  const auto t0 = std::chrono::steady_clock::now();
  const Share share = my_share(batch);
  solve_phases();
  if (identity_applies_) {
    residual_.resize(net_.outputs.size());
    identity_drives_.resize(batch);
    for (std::size_t i = share.first; i < share.first + share.count; ++i) {
      output_residual(net_, free_v_.row(i), batch_samples_[i]->targets, residual_);
      set_identity_drive(config_.rule, net_, residual_, identity_drives_[i]);
    }
    if (shared()) identity_v_.resize(batch, static_cast<std::size_t>(net_.node_count()));
    solve_rows(*oracle_, std::span(identity_drives_).subspan(share.first, share.count), share.first, identity_v_);
  }
  step_times_.solve_seconds += seconds_since(t0);
  const std::size_t per = config_.rule.twin ? 1 : nudged_drive_count(config_.rule);
  const Gathered states[] = {{&free_v_, 1}, {&nudged_v_, per}, {&identity_v_, 1}};
  gather(batch, std::span(states).first(identity_applies_ ? 3 : 2), step_times_);
  step_times_.samples += static_cast<std::int64_t>(share.count);
  ++step_times_.rounds;

  const double weight = 1.0 / static_cast<double>(batch);
  for (std::size_t i = 0; i < batch; ++i) rep.loss += weight * sample_loss(net_, free_v_.row(i), *batch_samples_[i]);
  if (transistors_) {
    const Network& net = network();  // the gates' present voltages
    rep.sum_effective_siemens2 = 0.0;
    for (std::size_t i = 0; i < batch; ++i) *rep.sum_effective_siemens2 += weight * sum_effective_siemens2(net, free_v_.row(i));
  }
  if (gradient_) {
    gradient_sum_.assign(net_.edges.size(), 0.0);
    for (std::size_t i = 0; i < batch; ++i) {
      const std::vector<double> g = gradient_->loss_gradient(free_drives_[i], batch_samples_[i]->targets);
      for (std::size_t j = 0; j < g.size(); ++j) gradient_sum_[j] += weight * g[j];
    }
  }
  if (!std::isfinite(rep.loss)) non_finite(rep.step, "the loss");
  rep.free_volts = free_v_.row(0);

  // The update's random draws are undone with the step when its signal is not finite.
  std::optional<Rng> rng_before;
  if (updater_.draws()) rng_before = rng_;
  const double alpha = config_.alpha;
  StepPassInput in;
  in.rule = config_.rule;
  in.alpha = alpha;
  in.samples = batch;
  in.free = &free_v_;
  in.nudged = &nudged_v_;
  in.identity = identity_applies_ ? &identity_v_ : nullptr;
  const StepPassSums sums =
      pass_.run(in, k_, codes_, {k_next_, signal_, dk_, codes_next_, programmed_, pulses_}, rng_);
  if (!sums.signal_finite) {
    if (rng_before) rng_ = *rng_before;
    non_finite(rep.step, "the update signal");
  }

  rep.k_dot_dk_rule = alpha * sums.k_dot_g;
  if (identity_applies_) {
    const double s_sum = sums.identity_s;
    const double predicted = identity_factor(config_.rule) * alpha * config_.rule.nudge * s_sum;
    rep.identity_s = s_sum;
    rep.identity_residual = 2.0 * rep.k_dot_dk_rule + predicted;
    rep.identity_relative = predicted > 0.0 ? std::abs(*rep.identity_residual) / predicted : std::abs(*rep.identity_residual);
  } else if (config_.rule.kind == RuleKind::CenteredEquilibriumPropagation && net_.is_linear()) {
    // k . grad L = 0 exactly (L is scale-free), and centered EP is the exact gradient: S = 0.
    rep.identity_s = 0.0;
    rep.identity_residual = 2.0 * rep.k_dot_dk_rule;
    const double scale = 2.0 * alpha * std::sqrt(sums.k_dot_k * sums.g_dot_g);
    rep.identity_relative = scale > 0.0 ? std::abs(*rep.identity_residual) / scale : 0.0;
  }

  if (gradient_) {
    // The rule's own step (before mode, rates and clipping) against steepest descent.
    const double dot = dot_trainable(net_, signal_, gradient_sum_);
    const double norms = std::sqrt(sums.g_dot_g * dot_trainable(net_, gradient_sum_, gradient_sum_));
    rep.cos_gradient = norms > 0.0 ? -dot / norms : 0.0;
  }

  rep.before = invariants();
  if (!sums.conductances_finite) non_finite(rep.step, "an updated conductance");
  k_.swap(k_next_);  // k_next_ now holds the values before the step
  codes_.swap(codes_next_);
  net_stale_ = true;
  invariants_ = sums.after;
  rep.k_dot_dk = sums.k_dot_dk;
  if (updater_.has_memristors()) rep.k_dot_dk = age_memristors();
  rep.after = *invariants_;
  rep.signal = signal_;
  rep.dk = dk_;
  // A backend with devices of its own programs them by these pulses (simulator.hpp).
  if (std::any_of(pulses_.begin(), pulses_.end(), [](int n) { return n != 0; })) sim_.program_pulses(pulses_);
  push_conductances();

  ++step_;
  if (++batch_ == batches_per_epoch_) {
    batch_ = 0;
    ++epoch_;
  }
  return rep;
}

double Trainer::age_memristors() {
  for (std::size_t j = 0; j < net_.edges.size(); ++j) {
    Edge& e = net_.edges[j];
    if (!e.trainable || e.kind != ElementKind::Memristor) continue;
    updater_.age_memristor(e, j, programmed_[j] != 0, k_[j]);
    dk_[j] = k_[j] - k_next_[j];
  }
  invariants_ = measure_invariants(net_, k_, updater_.rate_factors());
  return dot_trainable(net_, k_next_, dk_);
}

double Trainer::measure(const std::vector<Drive>& drives, const std::vector<Sample>& samples, int& correct) {
  const auto t0 = std::chrono::steady_clock::now();
  const Share share = my_share(drives.size());
  if (shared()) eval_v_.resize(drives.size(), static_cast<std::size_t>(net_.node_count()));
  solve_rows(sim_, std::span(drives).subspan(share.first, share.count), share.first, eval_v_);
  evaluation_times_.solve_seconds += seconds_since(t0);
  const Gathered rows[] = {{&eval_v_, 1}};
  gather(drives.size(), rows, evaluation_times_);
  evaluation_times_.samples += static_cast<std::int64_t>(share.count);
  double loss = 0.0;
  correct = 0;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    loss += sample_loss(net_, eval_v_.row(i), samples[i]);
    correct += sample_correct(data_, net_, eval_v_.row(i), samples[i]) ? 1 : 0;
  }
  return loss / static_cast<double>(samples.size());
}

EvalRecord Trainer::evaluate() {
  const auto accuracy = [&](int correct, std::size_t samples) {
    return data_.readout == Readout::None ? -1.0 : static_cast<double>(correct) / static_cast<double>(samples);
  };
  EvalRecord e;
  int correct = 0;
  e.train_loss = measure(train_drives_, data_.train, correct);
  e.train_accuracy = accuracy(correct, data_.train.size());
  e.error_modes = error_modes(data_, net_, data_.train, eval_v_);
  e.test_loss = measure(test_drives_, data_.test, correct);
  e.test_accuracy = accuracy(correct, data_.test.size());
  ++evaluation_times_.rounds;
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
  for (const Edge& e : network().edges) {
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
    if (!e.has_value()) continue;
    k_[j] = c.siemens[j];  // gate volts for a transistor
    if (!e.has_siemens()) continue;
    codes_[j] = c.codes[j];
    if (e.kind == ElementKind::Memristor) {
      e.programmed_siemens = c.programmed_siemens[j];
      e.seconds_since_programmed = c.seconds_since_programmed[j];
    }
  }
  codes_next_ = codes_;
  net_stale_ = true;
  invariants_.reset();
  push_conductances();
}

}  // namespace spiceloop
