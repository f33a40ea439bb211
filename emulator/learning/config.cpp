#include "emulator/learning/config.hpp"

#include <cmath>

#include <fmt/format.h>

#include "emulator/core/error.hpp"
#include "emulator/core/numbers.hpp"
#include "emulator/core/json_text.hpp"
#include "emulator/network/load.hpp"
#include "emulator/sim/option_ranges.hpp"

namespace spiceloop {

namespace {

std::filesystem::path resolve_path(const std::filesystem::path& base, const std::string& p) {
  std::filesystem::path path(p);
  return path.is_absolute() ? path : base / path;
}

std::pair<double, double> volts_pair(const JsonObject& o, std::string_view key, std::pair<double, double> fallback) {
  if (!o.has(key)) return fallback;
  const auto v = o.numbers(key);
  if (v.size() != 2 || !(v[0] < v[1]))
    o.fail("invalid", key, "expected [low, high] with low < high");
  return {v[0], v[1]};
}

// An integer in [lo, 1e9]; fallback < 0 means the key is required.
int positive_int(const JsonObject& o, std::string_view key, std::int64_t fallback, std::int64_t lo = 1) {
  const std::int64_t v = fallback < 0 ? o.integer(key) : o.integer(key, fallback);
  if (v < lo || v > 1'000'000'000)
    o.fail("invalid", key, "must be an integer from " + std::to_string(lo) + " to 1000000000, got " + std::to_string(v));
  return static_cast<int>(v);
}

TaskSpec parse_task(const JsonObject& t, const std::filesystem::path& base) {
  TaskSpec s;
  const std::string kind = t.choice("kind", {"allostery", "regression", "iris", "xor", "curve", "digits"});
  const auto input = [&](std::pair<double, double> fb) {
    const auto r = volts_pair(t, "input_volts", fb);
    s.input_lo_volts = r.first;
    s.input_hi_volts = r.second;
  };
  const auto data = [&] {
    s.data_path = resolve_path(base, t.string("data"));
    s.data_where = t.where("data");
    s.data_relative = !std::filesystem::path(t.string("data")).is_absolute();
  };
  const auto targets = [&](double low_fraction, double high_fraction) {
    const double span = s.input_hi_volts - s.input_lo_volts;
    const auto r = volts_pair(t, "target_volts", {s.input_lo_volts + low_fraction * span,
                                                  s.input_lo_volts + high_fraction * span});
    s.target_low_volts = r.first;
    s.target_high_volts = r.second;
  };
  if (kind == "allostery") {
    t.allow_only({"kind", "target_range_volts", "targets_volts"});
    s.kind = TaskKind::Allostery;
    if (t.has("target_range_volts")) s.target_range_volts = volts_pair(t, "target_range_volts", {});
    if (t.has("targets_volts")) s.targets_volts = t.numbers("targets_volts");
  } else if (kind == "regression") {
    t.allow_only({"kind", "samples", "train_samples", "input_volts", "coefficients", "offset_volts"});
    s.kind = TaskKind::Regression;
    s.samples = positive_int(t, "samples", 100, 2);
    if (s.samples > experiment_limits::kMaxSamples)
      t.fail("too_large", "samples",
             "samples = " + std::to_string(s.samples) + " is more than the limit of " +
                 std::to_string(experiment_limits::kMaxSamples));
    s.train_samples = positive_int(t, "train_samples", std::max(1, s.samples * 4 / 5));
    if (s.train_samples >= s.samples)
      t.fail("invalid", "train_samples", "train_samples must be below samples, leaving a test set");
    input({0.0, 1.0});
    if (t.has("coefficients")) {
      const JsonValue list = t.member("coefficients");
      for (std::size_t o = 0; o < list.array().size(); ++o) {
        const JsonValue pair = list.element(o, "each coefficient pair");
        const std::vector<double> ab = pair.numbers();
        if (ab.size() != 2) pair.fail("wrong_type", "expected one [a, b] pair of numbers per output");
        s.coefficients.push_back({ab[0], ab[1]});
      }
    }
    if (t.has("offset_volts")) s.offset_volts = t.numbers("offset_volts");
  } else if (kind == "curve") {
    t.allow_only({"kind", "samples", "input_volts", "coefficients"});
    s.kind = TaskKind::Curve;
    s.samples = positive_int(t, "samples", 16, 3);
    input({0.0, 0.45});
    const std::vector<double> abc = t.has("coefficients") ? t.numbers("coefficients") : std::vector<double>{0.05, 0.1, 0.8};
    if (abc.size() != 3) t.fail("invalid", "coefficients", "expected [a, b, c] for the target a + b x + c x^2 (volts)");
    s.coefficients = {abc};
  } else if (kind == "iris") {
    t.allow_only({"kind", "data", "train_samples", "input_volts", "encoding", "readout", "target_volts",
                  "class_targets_volts"});
    s.kind = TaskKind::Iris;
    s.complementary = t.choice("encoding", {"complementary", "plain"}, "plain") == "complementary";
    data();
    s.train_samples = positive_int(t, "train_samples", 30, 3);
    input({0.0, 1.0});
    const bool nearest = t.choice("readout", {"argmax", "nearest"}, "argmax") == "nearest";
    if (nearest) {
      if (t.has("target_volts")) t.fail("invalid", "target_volts", "the nearest readout takes class_targets_volts");
      const JsonValue ct = t.member("class_targets_volts");
      if (ct.array().size() != 3)
        ct.fail("invalid", "expected three target vectors (setosa, versicolor, virginica)");
      for (std::size_t k = 0; k < 3; ++k) {
        const JsonValue v = ct.element(k, "each target vector");
        std::vector<double> row = v.numbers();
        if (row.empty()) v.fail("wrong_type", "expected arrays of numbers");
        if (k > 0 && row.size() != s.class_targets_volts[0].size())
          v.fail("invalid", "the three target vectors must have the same length");
        s.class_targets_volts.push_back(std::move(row));
      }
    } else {
      if (t.has("class_targets_volts"))
        t.fail("invalid", "class_targets_volts", "class_targets_volts needs \"readout\": \"nearest\"");
      targets(0.2, 0.6);
    }
  } else if (kind == "digits") {
    t.allow_only({"kind", "data", "train_samples", "input_volts", "encoding", "target_volts"});
    s.kind = TaskKind::Digits;
    s.complementary = t.choice("encoding", {"complementary", "plain"}, "complementary") == "complementary";
    data();
    s.train_samples = positive_int(t, "train_samples", 1437, 10);
    input({0.0, 1.0});
    targets(0.2, 0.6);
  } else {
    t.allow_only({"kind", "encoding", "input_volts", "target_volts"});
    s.kind = TaskKind::Xor;
    s.complementary = t.choice("encoding", {"complementary", "plain"}, "complementary") == "complementary";
    input({0.0, 1.0});
    targets(0.1, 0.5);
  }
  return s;
}

RuleSpec parse_rule(const JsonObject& r) {
  RuleSpec s;
  const std::string kind = r.choice("kind", {"cl", "ep", "ep_centered"});
  s.convention = r.choice("convention", {"code", "half"}, "code") == "code" ? FactorConvention::Code
                                                                           : FactorConvention::Half;
  if (kind == "cl") {
    r.allow_only({"kind", "eta", "convention", "twin"});
    s.kind = RuleKind::CoupledLearning;
    s.nudge = r.number("eta");
    if (!(s.nudge > 0.0 && s.nudge <= 1.0))
      r.fail("invalid", "eta", "eta must lie in (0, 1], got " + format_double(s.nudge));
    s.twin = r.boolean("twin", false);
  } else {
    r.allow_only({"kind", "beta", "convention"});
    s.kind = kind == "ep" ? RuleKind::EquilibriumPropagation : RuleKind::CenteredEquilibriumPropagation;
    s.nudge = r.number("beta");
    if (!(s.nudge > 0.0))
      r.fail("invalid", "beta", "beta (siemens) must be positive, got " + format_double(s.nudge));
  }
  return s;
}

UpdateSpec parse_update(const JsonObject& u) {
  UpdateSpec s;
  u.allow_only({"mode", "rounding", "parameter", "rate_spread", "desync_fraction", "sign_deadband", "max_pulses"});
  const std::string mode = u.choice("mode", {"continuous", "quantised", "sign"}, "continuous");
  s.mode = mode == "continuous" ? UpdateMode::Continuous : mode == "quantised" ? UpdateMode::Quantised : UpdateMode::Sign;
  if (u.has("rounding") && s.mode != UpdateMode::Quantised)
    u.fail("invalid", "rounding", "rounding applies to mode \"quantised\" only");
  s.rounding = u.choice("rounding", {"nearest", "stochastic"}, "nearest") == "nearest" ? Rounding::Nearest : Rounding::Stochastic;
  const std::string p =
      u.choice("parameter", {"conductance", "resistance", "log_conductance", "gate_voltage"}, "conductance");
  s.parameter = p == "conductance"       ? Parameter::Conductance
                : p == "resistance"      ? Parameter::Resistance
                : p == "log_conductance" ? Parameter::LogConductance
                                         : Parameter::GateVoltage;
  s.rate_spread = u.number("rate_spread", 0.0);
  if (!(s.rate_spread >= 0.0 && s.rate_spread < 1.0))
    u.fail("invalid", "rate_spread", "rate_spread must lie in [0, 1)");
  s.desync_fraction = u.number("desync_fraction", 1.0);
  if (!(s.desync_fraction > 0.0 && s.desync_fraction <= 1.0))
    u.fail("invalid", "desync_fraction", "desync_fraction must lie in (0, 1]");
  if (u.has("sign_deadband") && s.mode != UpdateMode::Sign)
    u.fail("invalid", "sign_deadband", "sign_deadband applies to mode \"sign\" only");
  s.sign_deadband = u.number("sign_deadband", 0.0);
  if (!(s.sign_deadband >= 0.0)) u.fail("invalid", "sign_deadband", "sign_deadband must be >= 0");
  const std::int64_t pulses = u.integer("max_pulses", s.max_pulses);
  if (pulses < 1 || pulses > experiment_limits::kMaxPulses)
    u.fail("invalid", "max_pulses",
           fmt::format("max_pulses = {} must lie in 1..{}: the most programming pulses one step sends a memristor",
                       pulses, experiment_limits::kMaxPulses));
  s.max_pulses = static_cast<int>(pulses);
  return s;
}

}  // namespace

SolverOptions parse_tolerances(const JsonObject& t) {
  t.allow_only({"reltol", "abstol_amps", "vntol_volts", "gmin_siemens", "newton_max_iterations", "kcl_tolerance"});
  SolverOptions s;
  const auto positive = [&](std::string_view key, double& field) {
    field = t.number(key, field);
    if (!(field > 0.0)) t.fail("invalid", key, "must be positive");
  };
  positive("reltol", s.reltol);
  positive("abstol_amps", s.abstol_amps);
  positive("vntol_volts", s.vntol_volts);
  s.gmin_siemens = t.number("gmin_siemens", s.gmin_siemens);
  if (!(s.gmin_siemens >= 0.0)) t.fail("invalid", "gmin_siemens", "must be >= 0");
  s.newton_max_iterations = positive_int(t, "newton_max_iterations", s.newton_max_iterations);
  positive("kcl_tolerance", s.kcl_tolerance);
  if (const auto problem = solver_options_problem(s)) t.fail("invalid", problem->key, problem->message);
  return s;
}

TrainConfig parse_train_config(const nlohmann::json& document, const std::filesystem::path& base_dir,
                               const std::string& source) {
  TrainConfig c;
  c.document = document;
  c.source = source;
  c.base_dir = base_dir;
  const JsonObject root(document, kConfigDocument, JsonOrigin{source, ""}, "", "an experiment");
  if (looks_like_network(document))
    throw InputError("config.is_network", source,
              "this is a network, not an experiment: `spiceloop train` takes an experiment "
              "(netlists/experiments/*.json) whose \"network\" names a network file like this one; "
              "`spiceloop solve` and `spiceloop netlist` take a network");
  root.allow_only({"network", "task", "rule", "alpha", "update", "epochs", "batch_size", "seed", "tolerances",
                   "checkpoint_every", "metrics", "evaluate_every", "output_dir", "description", "dynamics"});

  const auto& net = root.at("network");
  if (net.is_string()) {
    c.network.kind = NetworkSource::Kind::File;
    c.network.file = resolve_path(base_dir, net.get<std::string>());
    c.network.relative = !std::filesystem::path(net.get<std::string>()).is_absolute();
  } else if (net.is_object()) {
    c.network.kind = net.contains("generator") ? NetworkSource::Kind::Generator : NetworkSource::Kind::Inline;
    c.network.document = net;
  } else {
    root.member("network").wrong_type("a network file name, a generator spec or a network object");
  }

  c.task = parse_task(root.object("task", "the task"), base_dir);
  c.rule = parse_rule(root.object("rule", "the rule"));
  c.alpha = root.number("alpha");
  if (!(c.alpha > 0.0)) root.fail("invalid", "alpha", "alpha must be positive, got " + format_double(c.alpha));
  c.update = root.has("update") ? parse_update(root.object("update", "the update")) : UpdateSpec{};
  c.epochs = positive_int(root, "epochs", -1);
  c.batch_size = positive_int(root, "batch_size", 1);
  if (c.batch_size > c.task.train_size())
    root.fail("invalid", "batch_size",
              "batch_size " + std::to_string(c.batch_size) + " is larger than the training set (" +
                  std::to_string(c.task.train_size()) + " samples)");
  const std::int64_t seed = root.integer("seed", 1);
  if (seed < 0) root.fail("invalid", "seed", "seed must be >= 0");
  c.seed = static_cast<std::uint64_t>(seed);
  if (root.has("tolerances")) c.tolerances = parse_tolerances(root.object("tolerances", "the tolerances"));
  c.checkpoint_every = positive_int(root, "checkpoint_every", 0, 0);
  c.metrics_every = root.choice("metrics", {"step", "epoch"}, "step") == "step" ? MetricsEvery::Step : MetricsEvery::Epoch;
  c.evaluate_every = positive_int(root, "evaluate_every", 1);
  c.output_dir = root.string("output_dir", "runs/train");
  (void)root.string("description", "");
  return c;
}

TrainConfig load_train_config_file(const std::filesystem::path& path) {
  // Syntax errors with line and column, duplicate keys refused (json_text.hpp).
  const nlohmann::json doc =
      load_json_file(path.string(), kConfigDocument);
  return parse_train_config(doc, path.parent_path().empty() ? "." : path.parent_path(), path.string());
}

void validate_against_network(const TrainConfig& c, const Network& net) {
  const JsonOrigin origin{c.source, ""};
  bool has_trainable = false;
  const bool gates = c.update.parameter == Parameter::GateVoltage;
  for (const Edge& e : net.edges) {
    if (!e.trainable || !e.has_value()) continue;
    has_trainable = true;
    const bool transistor = e.kind == ElementKind::Transistor;
    if (transistor != gates)
      kConfigDocument.fail("invalid", origin.where("/update/parameter"),
                           transistor ? "trainable edge " + e.name + " is a transistor, whose learned value is its gate "
                                        "voltage: set \"parameter\": \"gate_voltage\""
                                      : "parameter \"gate_voltage\" learns transistor gates, but trainable edge " +
                                            e.name + " is not a transistor");
    if (transistor) {
      if (c.update.mode == UpdateMode::Quantised)
        kConfigDocument.fail("invalid", origin.where("/update/mode"),
                             "mode \"quantised\" moves digipot taps; a transistor's gate takes \"continuous\" or "
                             "\"sign\" (alpha volts per clock)");
      continue;
    }
    if (e.kind == ElementKind::Memristor) {
      if (c.update.mode == UpdateMode::Quantised)
        kConfigDocument.fail("invalid", origin.where("/update/mode"),
                             "mode \"quantised\" moves digipot taps; memristor edge " + e.name +
                                 " is programmed by pulses: use \"continuous\" (pulses in proportion) or \"sign\" "
                                 "(one pulse)");
      if (c.update.parameter != Parameter::Conductance)
        kConfigDocument.fail("invalid", origin.where("/update/parameter"),
                             "memristor edge " + e.name + " learns its conductance by pulses: set \"parameter\": "
                             "\"conductance\" (or leave it out)");
      continue;
    }
    if (c.update.mode != UpdateMode::Continuous && e.kind != ElementKind::Digipot)
      kConfigDocument.fail("invalid", origin.where("/update/mode"),
                           std::string("mode \"") + update_mode_name(c.update.mode) +
                               "\" moves digipot taps, but trainable edge " + e.name + " is a resistor");
  }
  if (!has_trainable)
    kConfigDocument.fail("invalid", origin.where("/network"), "the network has no trainable resistor, digipot, transistor or memristor edge");
  // Every evaluation solves the whole data set at once: one state (nodes + 2 edges values) per sample.
  const double values = static_cast<double>(c.task.samples) * (net.node_count() + 2.0 * net.edge_count());
  if (c.task.kind == TaskKind::Regression && values > experiment_limits::kMaxEvaluationValues)
    kConfigDocument.fail("too_large", origin.where("/task/samples"),
                         fmt::format("{} samples on a network of {} nodes and {} edges make {:.3g} values per "
                                     "evaluation, more than the limit of {:.3g}; use fewer samples",
                                     c.task.samples, net.node_count(), net.edge_count(), values,
                                     experiment_limits::kMaxEvaluationValues));
}

}  // namespace spiceloop
