// The finite-nudging sweep: a grid of learning-step experiments (DOMAIN.md section 3), parsed from
// SWEEP.json and expanded into points in one fixed order, so that a point's index names the same
// experiment in every process and every resumed run. Keys (defaults in brackets; lists are axes):
//
//   "networks"     [file name | generator spec | network object], files relative to the sweep file;
//                  diodes and transistors allowed (measured against the small-nudge limit, measure.hpp;
//                  a transistor's gate steps in volts whatever "parameter" says, never "quantised")
//   "rules"        ["cl"] of "cl", "ep", "ep_centered";  "convention" ["code"] | "half"
//   "eta"          CL nudges (dimensionless, (0, 1]);  "beta": EP nudges (siemens)  [required per rule used]
//   "alpha"        CL learning rates, conductance-equivalent (measure.hpp), siemens / V^2
//   "alpha_ep"     [alpha] EP learning rates: the EP signal is in V^2 / S, so its alpha is smaller
//   "parameter"    ["conductance"] | "resistance" | "log_conductance"
//   "update"       ["continuous"] | "quantised" | "sign";  "taps" [[128]] (quantised/sign only)
//   "backend"      ["ideal"] | "ngspice";  "tolerances" [[{}]]: SolverOptions objects (reltol,
//                  abstol_amps, vntol_volts, gmin_siemens), an axis for ngspice only
//   "seeds"        [[1]]: draw the targets and the conductance jitter
//   symmetry breakers, each an axis whose 0 means off:
//     "load_ohms"   fixed resistor from each output to ground
//     "source_ohms" fixed resistor in series with each input source (Norton-emulated current source)
//     "wiper_ohms"  fixed resistor in series with each trainable edge (digipot wiper)
//     "clip_margin" bounds k0 (1 -/+ m) on each trainable edge (off: bounds widened to k0 / 1e6 .. k0 1e6)
//     "noise_volts" seeded Gaussian noise (sigma) on every measured node voltage
//   "targets_volts" [lo, hi] range the targets are drawn from [middle 60 % of the input span]
//   "k_jitter"     [0] initial conductances multiplied by 1 + uniform(-j, j), per seed
//   "run_steps"    [0: no run] steps at the smallest alpha of the rule; every alpha then trains to the
//                  same time t = alpha x steps = run_steps x min alpha (the continuous limit)
//   "max_steps"    [20000] cap on steps per run
//   "description"  free text
// Limit: the grid (the product of the axes) holds at most kMaxGridPoints points, checked before it
// is expanded ("config.too_large").
// Errors: InputError "config.*" (the experiment reader's ids) at "<file>#<JSON pointer>"; the file
// and its JSON text (unreadable, too large, syntax) "sweep.*".
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/json_reader.hpp"
#include "emulator/learning/rules/rule.hpp"
#include "emulator/learning/rules/update.hpp"
#include "emulator/sim/simulator.hpp"

namespace spiceloop::study {

// The ids of a sweep's files (SWEEP.json, results.csv): "sweep.<what>".
inline const DocumentKind kSweepFile{.prefix = "sweep"};

struct Breakers {
  double load_ohms = 0.0;
  double source_ohms = 0.0;
  double wiper_ohms = 0.0;
  double clip_margin = 0.0;
  double noise_volts = 0.0;
  bool any() const { return load_ohms > 0 || source_ohms > 0 || wiper_ohms > 0 || clip_margin > 0 || noise_volts > 0; }
};

struct SweepPoint {
  std::int64_t index = 0;
  int network = 0;              // index into SweepSpec::networks
  std::string backend;          // "ideal" | "ngspice"
  SolverOptions tolerances;
  RuleKind rule = RuleKind::CoupledLearning;
  double nudge = 0.0;           // eta or beta
  double alpha = 0.0;
  Parameter parameter = Parameter::Conductance;
  UpdateMode mode = UpdateMode::Continuous;
  int taps = 0;                 // 0 for continuous
  Breakers breakers;
  std::uint64_t seed = 1;
  double run_time = 0.0;        // t = alpha x steps; 0: no run
};

struct SweepSpec {
  nlohmann::json document;
  std::string source;
  std::filesystem::path base_dir;

  std::vector<nlohmann::json> networks;  // as given
  std::vector<std::string> network_labels;
  std::vector<RuleKind> rules;
  FactorConvention convention = FactorConvention::Code;
  std::vector<double> eta, beta, alpha, alpha_ep;
  std::vector<Parameter> parameters;
  std::vector<UpdateMode> modes;
  std::vector<int> taps;
  std::vector<std::string> backends;
  std::vector<SolverOptions> tolerances;
  std::vector<double> load_ohms, source_ohms, wiper_ohms, clip_margin, noise_volts;
  std::vector<std::uint64_t> seeds;
  std::vector<double> targets_volts;  // empty or [lo, hi]
  double k_jitter = 0.0;
  std::int64_t run_steps = 0;
  std::int64_t max_steps = 20000;
};

SweepSpec parse_sweep(const nlohmann::json& doc, const std::filesystem::path& base_dir = ".",
                      const std::string& source = "");
SweepSpec load_sweep_file(const std::filesystem::path& path);

// Every point, in the fixed order: network, backend, tolerances, rule, nudge, alpha, parameter,
// update, taps, load, source, wiper, clip, noise, seed (seed innermost). Tolerances collapse to the
// first for the ideal backend, taps to 0 for continuous updates.
inline constexpr std::int64_t kMaxGridPoints = 1'000'000;
double grid_size(const SweepSpec& spec);  // the points expand_grid makes, counted without making them
std::vector<SweepPoint> expand_grid(const SweepSpec& spec);

}  // namespace spiceloop::study
