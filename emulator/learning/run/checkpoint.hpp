// Training checkpoints: everything needed to continue a run so that it ends bit-identical to an
// uninterrupted one. Doubles are stored as hex floats (exact). Written atomically; a checkpoint
// with a non-finite value is never written (the trainer stops first).
// File: DIR/checkpoint.json ("format": "spiceloop.checkpoint.v2"). Its "digest" is a fingerprint of
// every other field, so an edited or damaged file is refused on reading ("checkpoint.digest");
// what the fields say is then checked against the run (checkpoint_checks.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace spiceloop {

struct EvalRecord {  // losses and accuracies of one evaluation (accuracy < 0: not a classification)
  double train_loss = 0.0, test_loss = 0.0, train_accuracy = -1.0, test_accuracy = -1.0;
  std::vector<double> error_modes;  // curve tasks, training set: mean, slope, curvature (V); not checkpointed
};

struct Checkpoint {
  std::string source;             // the file it was read from, for error locations ("" if none)
  std::string hash;               // of config + network + data set (trainer.cpp)
  std::string convention;         // factor convention, for the reader
  std::int64_t step = 0;          // steps done
  int epoch = 0;                  // epochs done
  int batch = 0;                  // batches done in the current epoch
  std::vector<int> order;         // the current epoch's sample order (valid when batch > 0)
  std::string rng;                // training Rng state
  std::vector<double> siemens;    // per edge: its value (Edge::value; gate volts for a transistor)
  std::vector<int> codes;         // per edge (digipots; 0 otherwise)
  // Per edge when the network has memristors (else empty): their drift state (network.hpp).
  std::vector<double> programmed_siemens, seconds_since_programmed;
  std::uint64_t metrics_offset = 0;  // bytes of metrics.jsonl that belong to this state
  std::string metrics_digest;     // fingerprint of those bytes (metrics.hpp)
  double elapsed_seconds = 0.0;   // wall time spent training so far (not part of the results)
  EvalRecord initial;             // evaluation before the first step
  bool complete = false;
};

std::string checkpoint_path_in(const std::filesystem::path& dir);

// Throws SimulationError "train.non_finite" if a value is not finite (nothing is written then).
void write_checkpoint(const std::filesystem::path& path, const Checkpoint& c);
// Throws InputError "checkpoint.*" for a missing or malformed file, one of another format version
// ("checkpoint.format"), or one whose digest does not match its content ("checkpoint.digest").
Checkpoint read_checkpoint(const std::filesystem::path& path);

// "<source>#<pointer>": where a field of c is, for messages.
std::string checkpoint_where(const Checkpoint& c, const std::string& pointer);

// Exact text for a double and back ("0x1.8p+0"); parse throws InputError checkpoint.number at
// where for anything but a finite hex float.
std::string hex_double(double x);
double parse_hex_double(const std::string& text, const std::string& where);

}  // namespace spiceloop
