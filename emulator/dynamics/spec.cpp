#include "emulator/dynamics/spec.hpp"

#include <fmt/format.h>

#include "emulator/core/error.hpp"
#include "emulator/core/json_reader.hpp"
#include "emulator/dynamics/imperfection.hpp"

namespace spiceloop {

namespace {

const DocumentKind kDynamicsDocument{.prefix = "dynamics", .not_finite = "not_positive", .out_of_range = "too_large"};

double positive(const JsonObject& o, std::string_view key, double fallback, const std::string& why) {
  const double v = o.number(key, fallback);
  if (!(v > 0.0)) o.member(key).fail("not_positive", fmt::format("\"{}\" must be > 0, got {}; {}", key, v, why));
  return v;
}

}  // namespace

DynamicsSpec parse_dynamics(const TrainConfig& config) {
  DynamicsSpec s;
  s.epochs = config.epochs;
  static const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json* section = config.document.is_object() && config.document.contains("dynamics")
                                      ? &config.document.at("dynamics")
                                      : &empty;
  const JsonObject o(*section, kDynamicsDocument, JsonOrigin{config.source, ""}, "/dynamics", "\"dynamics\"");
  std::vector<std::string_view> keys{"window_seconds",   "edge_seconds",    "period_seconds", "node_farads",
                                     "learning_farads",  "epochs",          "max_step_seconds", "timeout_seconds",
                                     "relaxation",       "continuous_learning", "noise_kelvin", "noise_gain",
                                     "noise_seconds",    "noise_seed"};
  keys.insert(keys.end(), std::begin(kImperfectionKeys), std::end(kImperfectionKeys));  // imperfection.hpp
  o.allow_only(keys);
  s.window_seconds = positive(o, "window_seconds", 1e-4, "a learning window has a length (the lab's: 25-200 us)");
  s.edge_seconds = positive(o, "edge_seconds", s.window_seconds / 100,
                            "a window and every input change need a rise time for ngspice to follow them");
  s.period_seconds = positive(o, "period_seconds", 4 * s.window_seconds, "one sample is presented per period");
  s.node_farads = positive(o, "node_farads", 1e-12,
                           "a node without capacitance has no relaxation to simulate (take a small one, e.g. 1e-12, "
                           "for a near-quasistatic machine)");
  s.learning_farads = positive(o, "learning_farads", 2.2e-6, "a parameter is held on a capacitor (the lab's: 2.2e-6)");
  s.max_step_seconds = positive(o, "max_step_seconds", s.window_seconds / 20, "ngspice needs a largest timestep");
  s.timeout_seconds = positive(o, "timeout_seconds", 3600.0, "the time one ngspice transient may take");
  s.noise_kelvin = o.number("noise_kelvin", 0.0);
  if (!(s.noise_kelvin >= 0.0))
    o.member("noise_kelvin").fail("not_positive", fmt::format("\"noise_kelvin\" must be >= 0 (0: no noise), got {}", s.noise_kelvin));
  s.noise_gain = positive(o, "noise_gain", 1.0, "it multiplies the Johnson noise power 4 k T G");
  s.noise_seconds = positive(o, "noise_seconds", s.window_seconds / 100, "the noise holds each value for a timestep");
  if (s.noise_seconds >= s.window_seconds)
    o.member("noise_seconds")
        .fail("noise_step_too_long", fmt::format("a noise timestep of {} s is not below the window ({} s): a window "
                                                 "must average many noise values; make \"noise_seconds\" at most {} s",
                                                 s.noise_seconds, s.window_seconds, s.window_seconds / 10));
  s.noise_seed = o.unsigned_integer("noise_seed", config.seed);
  s.epochs = static_cast<int>(o.integer("epochs", config.epochs));
  if (s.epochs < 1) o.member("epochs").fail("not_positive", fmt::format("\"epochs\" must be >= 1, got {}", s.epochs));
  s.integrated_relaxation = o.choice("relaxation", {"quasistatic", "integrated"}, "quasistatic") == "integrated";
  s.continuous_learning = o.boolean("continuous_learning", false);
  if (s.continuous_learning && o.has("window_seconds"))
    o.member("window_seconds")
        .fail("window_with_continuous", "with \"continuous_learning\": true the window is open for the whole run; "
                                        "leave out \"window_seconds\" (or set \"continuous_learning\": false)");
  if (s.continuous_learning && 2 * s.edge_seconds >= s.period_seconds)
    o.member(o.has("edge_seconds") ? "edge_seconds" : "period_seconds")
        .fail("window_too_long", fmt::format("the inputs' two edges ({} s each) must fit in a period of {} s; shorten "
                                             "\"edge_seconds\" (e.g. to {} s)",
                                             s.edge_seconds, s.period_seconds, s.period_seconds / 100));
  if (!s.continuous_learning && s.edge_seconds >= s.window_seconds)
    o.member(o.has("edge_seconds") ? "edge_seconds" : "window_seconds")
        .fail("window_too_long", fmt::format("the window's edges ({} s) must be shorter than the window ({} s); "
                                             "shorten \"edge_seconds\"",
                                             s.edge_seconds, s.window_seconds));
  // ngspice merges breakpoints closer than 5e-5 max step (CKTminBreak) and then aborts with "breakpoint
  // in the past" at the first input change: an edge that short cannot be simulated.
  if (s.edge_seconds < 1e-4 * s.max_step_seconds)
    o.member(o.has("edge_seconds") ? "edge_seconds" : "max_step_seconds")
        .fail("edge_too_short",
              fmt::format("edges of {} s are below what ngspice resolves at a largest step of {} s (1e-4 of it: "
                          "closer breakpoints are merged and the transient aborts); make \"edge_seconds\" at least {} s "
                          "or \"max_step_seconds\" smaller",
                          s.edge_seconds, s.max_step_seconds, 1e-4 * s.max_step_seconds));
  if (!s.continuous_learning && s.window_seconds + 2 * s.edge_seconds >= s.period_seconds)
    o.member(o.has("window_seconds") ? "window_seconds" : "period_seconds")
        .fail("window_too_long",
              fmt::format("a window of {} s with its two edges of {} s does not fit in its period of {} s: the "
                          "nodes need time to relax to each sample before the window opens; make \"period_seconds\" "
                          "longer (e.g. {} s) or \"window_seconds\" shorter",
                          s.window_seconds, s.edge_seconds, s.period_seconds, 4 * s.window_seconds));
  if (s.continuous_learning) s.window_seconds = s.period_seconds;  // as reported: open all period long
  return s;
}

void check_dynamics_fits(const TrainConfig& config, const Network& net) {
  const std::string where = config.source.empty() ? std::string("/") : config.source + "#/";
  auto unsupported = [&](const std::string& key, const std::string& what) {
    throw InputError("dynamics.unsupported", where + key, what);
  };
  if (config.rule.kind != RuleKind::CoupledLearning)
    unsupported("rule/kind", "the learning machine in time is built for coupled learning (\"cl\"): its clamped "
                             "copy is driven from the free copy's outputs; EP has no such circuit here");
  if (config.update.mode != UpdateMode::Continuous)
    unsupported("update/mode", "a parameter capacitor charges continuously: use \"mode\": \"continuous\"");
  if (config.update.rate_spread != 0.0 || config.update.desync_fraction != 1.0)
    unsupported("update", "per-edge rate spread and desynchronous updates have no circuit in the transient yet; "
                          "leave out \"rate_spread\" and \"desync_fraction\"");
  int learned = 0;
  for (int j = 0; j < net.edge_count(); ++j) {
    const Edge& e = net.edges[j];
    if (!e.trainable) continue;
    ++learned;
    const bool resistor = e.kind == ElementKind::Resistor, transistor = e.kind == ElementKind::Transistor;
    if (!resistor && !transistor)
      unsupported("network", fmt::format("edge '{}' is a trainable {}: the transient learns resistors (a conductance "
                                         "on a capacitor) and transistors (the gate on a capacitor) only",
                                         e.name, element_kind_name(e.kind)));
    if (resistor && config.update.parameter != Parameter::Conductance)
      unsupported("update/parameter", "a resistor's capacitor holds its conductance: use \"parameter\": \"conductance\"");
  }
  if (learned == 0) unsupported("network", "the network has no trainable edge: nothing to learn in time");
}

}  // namespace spiceloop
