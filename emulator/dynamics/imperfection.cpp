#include "emulator/dynamics/imperfection.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "emulator/core/error.hpp"
#include "emulator/core/json_reader.hpp"
#include "emulator/core/random.hpp"

namespace spiceloop {

namespace {

const DocumentKind kDynamicsDocument{.prefix = "dynamics", .not_finite = "not_positive", .out_of_range = "too_large"};

// A relative spread: in [0, 1] (a copy's value is floored at 0.05 of nominal anyway).
double spread(const JsonObject& o, std::string_view key, const std::string& what) {
  const double v = o.number(key, 0.0);
  if (v < 0.0) o.fail("negative", key, fmt::format("\"{}\" ({}) must be >= 0, got {}", key, what, v));
  if (v > 1.0)
    o.fail("too_large", key,
           fmt::format("\"{}\" ({}) is a relative standard deviation, at most 1, got {}; e.g. 0.05 for 5 %", key, what, v));
  return v;
}

// The alternate task, read as the experiment's own "task" would be; its errors point into "dynamics".
TaskSpec parse_second_task(const TrainConfig& config, const nlohmann::json& task) {
  nlohmann::json doc = config.document;
  doc["task"] = task;
  doc.erase("dynamics");
  try {
    return parse_train_config(doc, config.base_dir, config.source).task;
  } catch (const InputError& e) {
    std::string where = e.where();
    const auto at = where.find("/task");
    if (at != std::string::npos) where.replace(at, 5, "/dynamics/alternate/task");
    throw InputError(e.id(), where, e.message() + " (in \"dynamics\" \"alternate\" \"task\")");
  }
}

}  // namespace

Imperfection parse_imperfection(const TrainConfig& config, double period_seconds) {
  Imperfection imp;
  static const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json* section = config.document.is_object() && config.document.contains("dynamics")
                                      ? &config.document.at("dynamics")
                                      : &empty;
  const JsonObject o(*section, kDynamicsDocument, JsonOrigin{config.source, ""}, "/dynamics", "\"dynamics\"");
  imp.device_spread = spread(o, "device_spread", "each device's spread from its nominal value, both copies");
  imp.twin_mismatch = spread(o, "twin_mismatch", "the clamped copy's edges against the free copy's");
  imp.bias_amps = o.number("bias_amps", 0.0);
  if (imp.bias_amps < 0.0)
    o.fail("negative", "bias_amps",
           fmt::format("\"bias_amps\" is the standard deviation of each capacitor's bias current, >= 0, got {}",
                       imp.bias_amps));
  if (o.has("alternate")) {
    const JsonObject a = o.object("alternate", "the alternating second task");
    a.allow_only({"task_seconds", "task"});
    imp.task_seconds = a.number("task_seconds");
    if (!(imp.task_seconds > 0.0))
      a.fail("not_positive", "task_seconds", fmt::format("\"task_seconds\" must be > 0, got {}", imp.task_seconds));
    const double periods = imp.task_seconds / period_seconds;
    if (std::abs(periods - std::round(periods)) > 1e-9 * periods || std::round(periods) < 1)
      a.fail("not_whole_periods", "task_seconds",
             fmt::format("the tasks switch at period boundaries: \"task_seconds\" ({} s) must be a whole number of "
                         "periods of {} s; e.g. {} s",
                         imp.task_seconds, period_seconds, std::max(1.0, std::round(periods)) * period_seconds));
    imp.second_task = parse_second_task(config, a.at("task"));
  }
  if (o.has("overclamp")) {
    const JsonObject c = o.object("overclamp", "the overclamping rule");
    c.allow_only({"low_volts", "high_volts", "error_volts", "eta"});
    imp.overclamp.on = true;
    imp.overclamp.low_volts = c.number("low_volts");
    imp.overclamp.high_volts = c.number("high_volts");
    imp.overclamp.error_volts = c.number("error_volts");
    if (!(imp.overclamp.low_volts < imp.overclamp.high_volts))
      c.fail("bad_overclamp", "high_volts",
             fmt::format("the extremes must satisfy low_volts < high_volts, got {} and {}; the lab's node range is 0 "
                         "to 0.45 V",
                         imp.overclamp.low_volts, imp.overclamp.high_volts));
    imp.overclamp.eta = c.number("eta", config.rule.nudge);
    if (!(imp.overclamp.eta > 0.0 && imp.overclamp.eta <= 1.0))
      c.fail("bad_overclamp", "eta",
             fmt::format("the clamp factor \"eta\" must be in (0, 1], got {}; the lab's overclamping used 32/129",
                         imp.overclamp.eta));
    if (!(imp.overclamp.error_volts > 0.0))
      c.fail("not_positive", "error_volts",
             fmt::format("\"error_volts\" (the error at which the rate is the standard one) must be > 0, got {}",
                         imp.overclamp.error_volts));
  }
  return imp;
}

void draw_imperfection(Imperfection& imp, const TrainConfig& config, Network& net) {
  Rng rng = Rng::stream(config.seed, RandomStream::DynamicsImperfection);
  const std::size_t m = net.edges.size();
  imp.twin_factor.assign(m, 1.0);
  imp.bias.assign(m, 0.0);
  auto factor = [](double s, double z) { return std::max(0.05, 1.0 + s * z); };
  for (std::size_t j = 0; j < m; ++j) {
    Edge& e = net.edges[j];
    const double z_gain = rng.gaussian(), z_threshold = rng.gaussian(), z_twin = rng.gaussian(),
                 z_bias = rng.gaussian();
    if (imp.device_spread > 0.0) {
      if (e.kind == ElementKind::Transistor) {
        e.k_amps_per_volt2 *= factor(imp.device_spread, z_gain);
        e.threshold_volts *= factor(imp.device_spread, z_threshold);
      } else if (e.kind == ElementKind::Resistor) {
        e.siemens *= factor(imp.device_spread, z_gain);
      }
    }
    if (imp.twin_mismatch > 0.0) imp.twin_factor[j] = factor(imp.twin_mismatch, z_twin);
    imp.bias[j] = imp.bias_amps * z_bias;
  }
}

void check_imperfection_fits(const Imperfection& imp, const DynamicsSpec& spec, const std::string& source) {
  if (spec.integrated_relaxation && (imp.changes_flow() || imp.task_seconds > 0.0 || imp.device_spread > 0.0))
    throw InputError("dynamics.unsupported", (source.empty() ? std::string() : source + "#") + "/dynamics/relaxation",
                     "the imperfect machine (spread, mismatch, bias, alternating tasks, overclamping) runs with "
                     "quasistatic nodes only: leave out \"relaxation\": \"integrated\" or the imperfection keys");
}

Network clamped_copy(const Imperfection& imp, const Network& net) {
  Network c = net;
  for (std::size_t j = 0; j < c.edges.size(); ++j) {
    Edge& e = c.edges[j];
    if (!e.trainable) continue;
    if (e.kind == ElementKind::Transistor) e.k_amps_per_volt2 *= imp.twin_factor[j];
    else if (e.kind == ElementKind::Resistor) e.siemens *= imp.twin_factor[j];
  }
  return c;
}

Dataset second_dataset(const Imperfection& imp, const TrainConfig& config, const Network& net) {
  try {
    return make_dataset(imp.second_task, net, config.seed);
  } catch (const InputError& e) {
    throw InputError(e.id(), (config.source.empty() ? "" : config.source + "#") + "/dynamics/alternate" + e.where(),
                     e.message() + " (in \"dynamics\" \"alternate\" \"task\")");
  }
}

void set_imperfect_circuit(const Imperfection& imp, const Network& net, TransientCircuit& c) {
  if (imp.bias_amps > 0.0) {
    c.bias_amps.assign(net.edges.size(), 0.0);
    for (std::size_t j = 0; j < net.edges.size(); ++j)
      if (is_learned(c, static_cast<int>(j))) c.bias_amps[j] = imp.bias[j];
  }
  if (imp.twin_mismatch > 0.0) {
    c.clamped_siemens_per_volt = c.siemens_per_volt;
    for (std::size_t j = 0; j < net.edges.size(); ++j)
      if (is_learned(c, static_cast<int>(j)) && net.edges[j].kind == ElementKind::Resistor)
        c.clamped_siemens_per_volt[j] *= imp.twin_factor[j];
  }
}

void check_imperfection_on_ngspice(const Imperfection& imp, const Network& net, const std::string& source) {
  const std::string where = (source.empty() ? std::string() : source + "#") + "/dynamics/";
  if (imp.overclamp.on)
    throw InputError("dynamics.unsupported", where + "overclamp",
                     "overclamping (a clamp switched to an extreme by the error's sign) runs on the ideal backend "
                     "only: use --backend ideal, or leave out \"overclamp\"");
  if (imp.twin_mismatch > 0.0)
    for (const Edge& e : net.edges)
      if (e.trainable && e.kind == ElementKind::Transistor)
        throw InputError("dynamics.unsupported", where + "twin_mismatch",
                         "a transistor's twin mismatch (its clamped copy's own gain) has no deck yet: use --backend "
                         "ideal, or leave out \"twin_mismatch\"");
}

}  // namespace spiceloop
