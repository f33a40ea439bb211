#include "emulator/study/sweep_spec.hpp"

#include <algorithm>
#include <fstream>

#include <fmt/format.h>

#include "emulator/core/error.hpp"
#include "emulator/core/json_text.hpp"
#include "emulator/core/suggest.hpp"
#include "emulator/learning/config.hpp"
#include "emulator/sim/option_ranges.hpp"
#include "emulator/network/load.hpp"

namespace spiceloop::study {

namespace {

// A key given as one value or as a list of values: always a list.
std::vector<double> axis(const JsonObject& root, std::string_view key, std::vector<double> fallback) {
  if (!root.has(key)) return fallback;
  if (root.at(key).is_number()) return {root.number(key)};
  std::vector<double> xs = root.numbers(key);
  if (xs.empty()) root.fail("invalid", key, "the axis is empty; give at least one value");
  return xs;
}

std::vector<std::string> words(const JsonObject& root, std::string_view key, const std::vector<std::string_view>& allowed,
                               std::string fallback) {
  if (!root.has(key)) return {fallback};
  const JsonValue v = root.member(key);
  std::vector<std::string> out;
  if (v.json().is_array()) {
    for (std::size_t i = 0; i < v.json().size(); ++i) out.push_back(v.element(i, "each element of " + v.what()).choice(allowed));
  } else {
    out.push_back(v.choice(allowed));
  }
  if (out.empty()) root.fail("invalid", key, "the axis is empty; give at least one value");
  return out;
}

void require(const JsonObject& root, std::string_view key, const std::vector<double>& xs, bool positive) {
  for (double x : xs)
    if (positive ? !(x > 0.0) : !(x >= 0.0))
      root.fail("invalid", key, positive ? "every value must be positive" : "every value must be >= 0");
}

SolverOptions tolerance(const JsonObject& t) {
  t.allow_only({"reltol", "abstol_amps", "vntol_volts", "gmin_siemens"});
  SolverOptions s;
  s.reltol = t.number("reltol", s.reltol);
  s.abstol_amps = t.number("abstol_amps", s.abstol_amps);
  s.vntol_volts = t.number("vntol_volts", s.vntol_volts);
  s.gmin_siemens = t.number("gmin_siemens", s.gmin_siemens);
  if (const auto problem = solver_options_problem(s)) t.fail("invalid", problem->key, problem->message);
  return s;
}

std::string label_of(const nlohmann::json& n, std::size_t i) {
  if (n.is_string()) return std::filesystem::path(n.get<std::string>()).stem().string();
  if (n.contains("name") && n["name"].is_string()) return n["name"].get<std::string>();
  if (n.contains("generator") && n["generator"].is_string()) return n["generator"].get<std::string>() + std::to_string(i);
  return "network" + std::to_string(i);
}

}  // namespace

SweepSpec parse_sweep(const nlohmann::json& doc, const std::filesystem::path& base_dir, const std::string& source) {
  SweepSpec s;
  s.document = doc;
  s.source = source;
  s.base_dir = base_dir;
  const JsonObject root(doc, kConfigDocument, JsonOrigin{source, ""}, "", "a sweep");
  if (looks_like_network(doc))
    throw InputError("config.is_network", source,
              "this is a network, not a sweep: `spiceloop sweep` takes a sweep (netlists/sweeps/*.json) whose "
              "\"networks\" list names network files like this one");
  root.allow_only({"networks", "rules", "convention", "eta", "beta", "alpha", "parameter", "update", "taps", "backend",
                   "tolerances", "seeds", "load_ohms", "source_ohms", "wiper_ohms", "clip_margin", "noise_volts",
                   "targets_volts", "k_jitter", "run_steps", "max_steps", "description", "alpha_ep"});

  const nlohmann::json& nets = root.array("networks");
  if (nets.empty()) root.fail("wrong_type", "networks", "expected a non-empty list of networks");
  for (std::size_t i = 0; i < nets.size(); ++i) {
    if (!nets[i].is_string() && !nets[i].is_object())
      root.fail("wrong_type", "networks", "each network is a file name, a generator spec or a network object");
    std::error_code ec;
    if (const auto file = nets[i].is_string() ? base_dir / nets[i].get<std::string>() : std::filesystem::path();
        !file.empty() && !std::filesystem::is_regular_file(file, ec))
      root.fail("missing_file", "networks",
                missing_file_message(file, !std::filesystem::path(nets[i].get<std::string>()).is_absolute(), "sweep"));
    s.networks.push_back(nets[i]);
    s.network_labels.push_back(label_of(nets[i], i));
  }

  for (const auto& r : words(root, "rules", {"cl", "ep", "ep_centered"}, "cl"))
    s.rules.push_back(r == "cl" ? RuleKind::CoupledLearning
                      : r == "ep" ? RuleKind::EquilibriumPropagation
                                  : RuleKind::CenteredEquilibriumPropagation);
  s.convention = root.choice("convention", {"code", "half"}, "code") == "code" ? FactorConvention::Code
                                                                             : FactorConvention::Half;
  bool uses_cl = false, uses_ep = false;
  for (RuleKind k : s.rules) (k == RuleKind::CoupledLearning ? uses_cl : uses_ep) = true;
  if (uses_cl) {
    if (!root.has("eta")) root.fail("missing_key", "eta", "CL is swept: give \"eta\" (values in (0, 1])");
    s.eta = axis(root, "eta", {});
    for (double e : s.eta)
      if (!(e > 0.0 && e <= 1.0)) root.fail("invalid", "eta", "every eta must lie in (0, 1]");
  }
  if (uses_ep) {
    if (!root.has("beta")) root.fail("missing_key", "beta", "EP is swept: give \"beta\" (siemens)");
    s.beta = axis(root, "beta", {});
    require(root, "beta", s.beta, true);
  }
  if (!root.has("alpha")) root.fail("missing_key", "alpha", "give \"alpha\", the learning rate(s)");
  s.alpha = axis(root, "alpha", {});
  require(root, "alpha", s.alpha, true);
  s.alpha_ep = axis(root, "alpha_ep", s.alpha);
  require(root, "alpha_ep", s.alpha_ep, true);

  for (const auto& p : words(root, "parameter", {"conductance", "resistance", "log_conductance"}, "conductance"))
    s.parameters.push_back(p == "conductance" ? Parameter::Conductance
                           : p == "resistance" ? Parameter::Resistance
                                               : Parameter::LogConductance);
  for (const auto& m : words(root, "update", {"continuous", "quantised", "sign"}, "continuous"))
    s.modes.push_back(m == "continuous" ? UpdateMode::Continuous : m == "quantised" ? UpdateMode::Quantised : UpdateMode::Sign);
  for (double t : axis(root, "taps", {128})) {
    if (!(t >= 2 && t <= 1024 && t == static_cast<int>(t))) root.fail("invalid", "taps", "taps are integers in 2..1024");
    s.taps.push_back(static_cast<int>(t));
  }
  s.backends = words(root, "backend", {"ideal", "ngspice"}, "ideal");
  if (root.has("tolerances")) {
    const auto& t = root.at("tolerances");
    const auto items = t.is_array() ? t : nlohmann::json::array({t});
    for (std::size_t i = 0; i < items.size(); ++i)
      s.tolerances.push_back(tolerance(
          JsonObject(items[i], kConfigDocument, root.origin(), pointer_append("/tolerances", i), "a tolerance set")));
  }
  if (s.tolerances.empty()) s.tolerances.push_back(SolverOptions{});

  for (double x : axis(root, "seeds", {1})) {
    // The range check comes first: casting a double at or past 2^64 to an integer is undefined.
    if (!(x >= 0 && x < 0x1p64 && x == static_cast<double>(static_cast<std::uint64_t>(x))))
      root.fail("invalid", "seeds", "seeds are non-negative integers");
    s.seeds.push_back(static_cast<std::uint64_t>(x));
  }
  const std::pair<std::string_view, std::vector<double>*> breakers[] = {
      {"load_ohms", &s.load_ohms}, {"source_ohms", &s.source_ohms}, {"wiper_ohms", &s.wiper_ohms},
      {"clip_margin", &s.clip_margin}, {"noise_volts", &s.noise_volts}};
  for (auto& [key, field] : breakers) {
    *field = axis(root, key, {0.0});
    require(root, key, *field, false);
  }
  if (root.has("targets_volts")) {
    s.targets_volts = root.numbers("targets_volts");
    if (s.targets_volts.size() != 2 || !(s.targets_volts[0] <= s.targets_volts[1]))
      root.fail("invalid", "targets_volts", "expected [lo, hi] with lo <= hi");
  }
  s.k_jitter = root.number("k_jitter", 0.0);
  if (!(s.k_jitter >= 0.0 && s.k_jitter < 1.0)) root.fail("invalid", "k_jitter", "must lie in [0, 1)");
  s.run_steps = root.integer("run_steps", 0);
  if (s.run_steps < 0) root.fail("invalid", "run_steps", "must be >= 0");
  s.max_steps = root.integer("max_steps", 20000);
  if (s.max_steps < 1) root.fail("invalid", "max_steps", "must be >= 1");
  (void)root.string("description", "");
  const double points = grid_size(s);
  if (points > kMaxGridPoints)
    root.fail("too_large", "",
              fmt::format("the axes make {:.6g} grid points, more than the limit of {}; shorten an axis", points,
                          kMaxGridPoints));
  return s;
}

double grid_size(const SweepSpec& s) {
  // expand_grid's loops, counted (in doubles: a product of axes may pass any integer).
  double tolerances = 0.0, rules = 0.0, modes = 0.0;
  for (const auto& backend : s.backends) tolerances += backend == "ideal" ? 1.0 : static_cast<double>(s.tolerances.size());
  for (RuleKind rule : s.rules)
    rules += rule == RuleKind::CoupledLearning ? static_cast<double>(s.eta.size()) * static_cast<double>(s.alpha.size())
                                               : static_cast<double>(s.beta.size()) * static_cast<double>(s.alpha_ep.size());
  for (UpdateMode mode : s.modes) modes += mode == UpdateMode::Continuous ? 1.0 : static_cast<double>(s.taps.size());
  double points = static_cast<double>(s.networks.size()) * tolerances * rules * modes *
                  static_cast<double>(s.parameters.size()) * static_cast<double>(s.seeds.size());
  for (const auto* axis : {&s.load_ohms, &s.source_ohms, &s.wiper_ohms, &s.clip_margin, &s.noise_volts})
    points *= static_cast<double>(axis->size());
  return points;
}

SweepSpec load_sweep_file(const std::filesystem::path& path) {
  const nlohmann::json doc = load_json_file(path.string(), kSweepFile);
  return parse_sweep(doc, path.parent_path().empty() ? "." : path.parent_path(), path.string());
}

std::vector<SweepPoint> expand_grid(const SweepSpec& s) {
  std::vector<SweepPoint> out;
  SweepPoint p;
  for (int n = 0; n < static_cast<int>(s.networks.size()); ++n)
    for (const auto& backend : s.backends)
      for (std::size_t t = 0; t < (backend == "ideal" ? 1 : s.tolerances.size()); ++t)
        for (RuleKind rule : s.rules)
          for (double nudge : rule == RuleKind::CoupledLearning ? s.eta : s.beta)
            for (double alpha : rule == RuleKind::CoupledLearning ? s.alpha : s.alpha_ep)
              for (Parameter par : s.parameters)
                for (UpdateMode mode : s.modes)
                  for (int taps : mode == UpdateMode::Continuous ? std::vector<int>{0} : s.taps)
                    for (double load : s.load_ohms)
                      for (double src : s.source_ohms)
                        for (double wiper : s.wiper_ohms)
                          for (double clip : s.clip_margin)
                            for (double noise : s.noise_volts)
                              for (std::uint64_t seed : s.seeds) {
                                p.network = n;
                                p.backend = backend;
                                p.tolerances = s.tolerances[t];
                                p.rule = rule;
                                p.nudge = nudge;
                                p.alpha = alpha;
                                p.parameter = par;
                                p.mode = mode;
                                p.taps = taps;
                                p.breakers = {load, src, wiper, clip, noise};
                                p.seed = seed;
                                const auto& alphas = rule == RuleKind::CoupledLearning ? s.alpha : s.alpha_ep;
                                p.run_time = static_cast<double>(s.run_steps) * *std::min_element(alphas.begin(), alphas.end());
                                out.push_back(p);
                                out.back().index = static_cast<std::int64_t>(out.size()) - 1;
                              }
  return out;
}

}  // namespace spiceloop::study
