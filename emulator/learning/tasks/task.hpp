// Tasks: data sets of (input voltages, target voltages, class label) for a network, split into
// train and test by seed. Loss of a sample: L = 1/2 |T - V_O^F|^2 (volts^2).
// Input voltages fill the network's inputs in order; inputs a task does not drive keep the
// network's own value (rails, biases). Targets are one per network output.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "emulator/network/network.hpp"
#include "emulator/sim/state.hpp"

namespace spiceloop {

enum class TaskKind { Allostery, Regression, Iris, Xor, Curve, Digits };
// Argmax: the class is the highest output. Nearest: the class whose target vector is nearest to
// the outputs (per-class targets; with ordinal targets this avoids the masking of the middle class
// that one-hot targets suffer in a linear network). Threshold: one output, class 1 above it.
enum class Readout { None, Argmax, Nearest, Threshold };

const char* task_name(TaskKind k);  // "allostery", "regression", "iris", "xor", "curve", "digits"

struct TaskSpec {
  TaskKind kind = TaskKind::Allostery;
  int samples = 0;        // regression: data set size
  int train_samples = 0;  // regression, iris, digits: training set size (the rest is the test set)
  // Voltages applied to driven inputs: regression draws uniformly in this range, Iris scales each
  // feature onto it (min-max over the data set), digits each pixel count (0..16), XOR uses its
  // ends for 0 and 1.
  double input_lo_volts = 0.0, input_hi_volts = 1.0;
  // Iris (argmax), digits and XOR: the target of the output that should be high, and of the others.
  double target_low_volts = 0.0, target_high_volts = 0.0;
  // Iris (nearest): one target vector per class (setosa, versicolor, virginica), one entry per output.
  std::vector<std::vector<double>> class_targets_volts;
  // Allostery: random targets uniform in this range (default: the middle 60 % of the input span);
  // or fixed targets, one per output.
  std::optional<std::pair<double, double>> target_range_volts;
  std::vector<double> targets_volts;
  // Regression: T_o = sum_i coefficients[o][i] V_i + offset_volts[o] over the two driven inputs;
  // empty means drawn from the seed (coefficients uniform in [0.1, 0.4], offsets 0).
  // Curve: one row [a, b, c], T = a + b x + c x^2 (volts) for every output, x on the first input.
  std::vector<std::vector<double>> coefficients;
  std::vector<double> offset_volts;
  std::filesystem::path data_path;  // Iris or digits CSV
  std::string data_where;           // where the experiment names it ("<file>#/task/data"), for errors
  bool data_relative = false;       // given relative to the experiment file's folder
  // XOR: drive (x1, 1-x1, x2, 1-x2) on four inputs, else (x1, x2). Iris: the four features on
  // inputs 0-3 and their complements (the input range flipped) on inputs 4-7, else features only.
  // Digits: the 64 pixels on inputs 0-63 and their complements on 64-127.
  bool complementary = true;

  int train_size() const;  // known before the network is: used to validate the batch size
};

struct Sample {
  std::vector<double> input_volts;  // one per network input
  std::vector<double> targets;      // one per network output
  int label = -1;                   // class, or -1
};

struct Dataset {
  std::vector<Sample> train, test;
  Readout readout = Readout::None;
  double threshold_volts = 0.0;     // Threshold readout: class 1 above it
  std::vector<std::vector<double>> class_targets;  // Nearest readout: per class, per output
  std::optional<std::pair<double, double>> curve_input_volts;  // Curve: the range x sweeps
};

// Builds the data set; throws InputError (pointer under /task) when the network does not fit.
Dataset make_dataset(const TaskSpec& spec, const Network& net, std::uint64_t seed);

double sample_loss(const Network& net, const State& free, const Sample& s);
double sample_loss(const Network& net, std::span<const double> free_volts, const Sample& s);

// Curve tasks: the output error V_O - T (mean over outputs) projected by least squares on the
// Legendre polynomials P0, P1, P2 of the input scaled to [-1, 1]: {mean, slope, curvature} in
// volts. Empty for other tasks. free_volts.row(i) is the free state of samples[i].
std::vector<double> error_modes(const Dataset& d, const Network& net, std::span<const Sample> samples,
                                const NodeVoltages& free_volts);
// Whether the free state reads as the sample's class; Readout::None never counts.
bool sample_correct(const Dataset& d, const Network& net, const State& free, const Sample& s);
bool sample_correct(const Dataset& d, const Network& net, std::span<const double> free_volts, const Sample& s);

// Per-task builders (one file each).
namespace tasks {
Dataset allostery(const TaskSpec& spec, const Network& net, std::uint64_t seed);
Dataset regression(const TaskSpec& spec, const Network& net, std::uint64_t seed);
Dataset iris(const TaskSpec& spec, const Network& net, std::uint64_t seed);
Dataset xor_gate(const TaskSpec& spec, const Network& net);
Dataset curve(const TaskSpec& spec, const Network& net);
Dataset digits(const TaskSpec& spec, const Network& net, std::uint64_t seed);

struct IrisRow { double features[4]; int label; };
std::vector<IrisRow> read_iris_csv(const std::filesystem::path& path);  // throws InputError
// netlists/digits.csv (digits.md): per line 64 pixel counts 0..16, then the class 0..9, no header.
struct DigitsRow { std::array<std::uint8_t, 64> pixels; int label; };
std::vector<DigitsRow> read_digits_csv(const std::filesystem::path& path);  // throws InputError "task.data" at file:line

// What the data-file tasks share (task.cpp).
// A CSV line's cells, '\r' dropped.
std::vector<std::string> split_csv_line(const std::string& line);
// InputError "config.missing_file" at spec.data_where when the task's data file is not there.
void require_data_file(const TaskSpec& spec);
// Feature i of count, u in [0, 1], onto the input range at input i, and with the complementary
// encoding its mirror image (hi - (v - lo)) at input count + i.
void set_feature(const TaskSpec& spec, std::vector<double>& input_volts, std::size_t i, std::size_t count, double u);
// Splits labelled samples (labels 0 .. classes-1) into d.train and d.test, stratified: the
// train_samples are shared out in proportion to the class sizes (largest remainder, ties to the
// lower class), each class's members drawn by the seed's Split stream, classes in order; each set
// keeps the order of all (the trainer shuffles per epoch).
void split_stratified(const std::vector<Sample>& all, int classes, int train_samples, std::uint64_t seed, Dataset& d);
}  // namespace tasks

// The network's own input voltages, as a starting point for a sample.
std::vector<double> default_input_volts(const Network& net);

}  // namespace spiceloop
