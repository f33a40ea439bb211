// The experiment: what to train, how, and where to write. Parsed from a JSON document and fully
// validated before any work; every error is an InputError "config.*" at "<file>#<JSON pointer>".
// Relative paths (network file, Iris or digits data) are taken relative to the experiment file's directory;
// a missing one is "config.missing_file" at its key when the run resolves it.
// Examples: netlists/experiments/*.json. Keys (defaults in brackets):
//
//   "network"      file name, generator spec {"spiceloop": 1, "generator": ...}, or a network object
//   "task"         {"kind": "allostery", "targets_volts": [...] | "target_range_volts": [lo, hi]}
//                  {"kind": "regression", "samples" [100], "train_samples" [80 %], "input_volts" [[0, 1]],
//                   "coefficients": [[a, b], ...], "offset_volts": [...]}
//                  {"kind": "iris", "data": "iris.csv", "train_samples" [30], "input_volts" [[0, 1]],
//                   "encoding" ["plain"] | "complementary" (features on inputs 0-3, and 1 - feature on 4-7),
//                   "readout": "argmax" ["target_volts": [low, high]] | "nearest" ["class_targets_volts"]}
//                  {"kind": "digits", "data": "digits.csv", "train_samples" [1437], "input_volts" [[0, 1]],
//                   "encoding" ["complementary"] (pixels on inputs 0-63, mirrored on 64-127) | "plain",
//                   "target_volts" [[0.2, 0.6] of the input range]: ten outputs, argmax (tasks/digits.cpp)}
//                  {"kind": "xor", "encoding" ["complementary"] | "plain", "input_volts", "target_volts"}
//                  {"kind": "curve", "samples" [16], "input_volts" [[0, 0.45]], "coefficients" [[0.05, 0.1, 0.8]]:
//                   a 1-D curved target a + b x + c x^2 on the first input (tasks/curve.cpp)}
//   "rule"         {"kind": "cl", "eta", "convention" ["code"] | "half", "twin" [false]}
//                  {"kind": "ep" | "ep_centered", "beta" (siemens), "convention"}
//   "alpha"        learning rate (> 0), in the learned parameter's units (required; the sign rule,
//                  one tap per clock, does not use it)
//   "update"       {"mode" ["continuous"] | "quantised" | "sign", "rounding" ["nearest"] | "stochastic",
//                   "parameter" ["conductance"] | "resistance" | "log_conductance" | "gate_voltage"
//                   (transistor networks: dV_G = alpha g, update.hpp), "rate_spread" [0],
//                   "desync_fraction" [1], "sign_deadband" [0], "max_pulses" [31] (memristors: the most
//                   pulses one step sends an edge)}
//   "epochs"       required, >= 1
//   "batch_size"   [1], at most the training set
//   "seed"         [1]
//   "tolerances"   SolverOptions for the backend: reltol, abstol_amps, vntol_volts, gmin_siemens,
//                  newton_max_iterations, kcl_tolerance
//   "checkpoint_every" [0: only at the end] steps;  "evaluate_every" [1] epochs
//   "metrics"      ["step"] | "epoch";  "output_dir" ["runs/train"];  "description" (free text)
//   "dynamics"     the learning machine in time, read by `spiceloop transient` only (emulator/dynamics/spec.hpp)
// Limits, checked before anything is allocated ("config.too_large"): a regression's "samples" at
// most experiment_limits::kMaxSamples, and the values one evaluation holds, samples x (nodes + 2
// edges), at most kMaxEvaluationValues (about 400 MB of doubles). Networks: netlists/README.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "emulator/core/json_reader.hpp"
#include "emulator/learning/rules/rule.hpp"
#include "emulator/learning/tasks/task.hpp"
#include "emulator/learning/rules/update.hpp"
#include "emulator/network/network.hpp"
#include "emulator/sim/simulator.hpp"

namespace spiceloop {

namespace experiment_limits {
inline constexpr int kMaxSamples = 1'000'000;
inline constexpr double kMaxEvaluationValues = 5e7;
inline constexpr int kMaxPulses = 10'000;  // programming pulses per memristor per step
}  // namespace experiment_limits

enum class MetricsEvery { Step, Epoch };

struct NetworkSource {
  enum class Kind { File, Generator, Inline } kind = Kind::File;
  std::filesystem::path file;  // File: resolved against base_dir
  bool relative = false;       // File: given as a relative path (for the message when it is missing)
  nlohmann::json document;     // Generator: the spec; Inline: the network document
  std::string pointer = "/network";
};

struct TrainConfig {
  nlohmann::json document;          // as given, for the hash and summary.json
  std::string source;               // experiment file name, for messages ("" when built in memory)
  std::filesystem::path base_dir;   // for relative paths

  NetworkSource network;
  TaskSpec task;
  RuleSpec rule;
  double alpha = 0.0;               // learning rate in the learned parameter's units (update.hpp)
  UpdateSpec update;
  int epochs = 0;
  int batch_size = 1;               // samples averaged per step; free states solved as one batch
  std::uint64_t seed = 0;
  SolverOptions tolerances;         // for the backend the caller builds
  int checkpoint_every = 0;         // steps; 0 = only at the end
  MetricsEvery metrics_every = MetricsEvery::Step;
  int evaluate_every = 1;           // epochs between evaluations of the whole train and test sets
  std::filesystem::path output_dir; // resolved against the working directory, not base_dir
};

// The ids of experiment and sweep documents, "config.<what>": a bad value, a non-finite number, a
// word outside its list and an integer beyond 64 bits are all "config.invalid".
inline const DocumentKind kConfigDocument{.prefix = "config", .not_finite = "invalid", .out_of_range = "invalid"};

// An experiment's "tolerances" object (keys in the top comment); InputError "config.*" at its pointer.
// Also what the Python module reads a simulator's keyword tolerances with.
SolverOptions parse_tolerances(const JsonObject& tolerances);

// Throws InputError "config.*" at the offending JSON pointer.
TrainConfig parse_train_config(const nlohmann::json& document, const std::filesystem::path& base_dir = ".",
                               const std::string& source = "");
TrainConfig load_train_config_file(const std::filesystem::path& path);

// The network the experiment names (file, generator or inline), validated. Throws InputError.
Network resolve_network(const TrainConfig& config);

// Checks that need the network (counts, element kinds for the update mode, the evaluation's size);
// throws InputError. The Trainer runs it before it builds the data set.
void validate_against_network(const TrainConfig& config, const Network& net);

}  // namespace spiceloop
