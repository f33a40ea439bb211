// Whether a checkpoint can continue the run about to start: every field checked against the
// experiment before anything is restored, so that a checkpoint edited by hand (with its digest
// recomputed) or written by a broken build is refused rather than crashing or changing the result.
//   hash, convention    this run's fingerprint and factor convention      checkpoint.mismatch
//   step, epoch, batch  0 <= epoch <= epochs, 0 <= batch < batches per epoch (0 at the end),
//                       step = epoch x batches per epoch + batch          checkpoint.invalid
//   order               empty at an epoch boundary, else a permutation of the training samples
//   siemens, codes      one per edge; fixed edges and diodes exactly as the network holds them;
//                       trainable resistors finite, positive and within their bounds; digipots at
//                       a code their bounds allow (or their starting code) with that code's conductance
//   metrics_offset      at least one header line                          checkpoint.invalid
//   elapsed_seconds, initial   finite, non-negative; accuracies in [0, 1] or -1 (none)
//   complete            only at the end of the last epoch
// Every error is an InputError naming the field by JSON pointer ("checkpoint.json#/order/3").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "emulator/learning/rules/update.hpp"
#include "emulator/learning/run/checkpoint.hpp"
#include "emulator/network/network.hpp"

namespace spiceloop {

// The run a checkpoint must belong to.
struct CheckpointRun {
  const std::string& fingerprint;
  const char* convention;
  int epochs;
  std::int64_t batches_per_epoch;
  std::size_t train_samples;
  const Network& start;     // the network the run starts from
  const Updater& updater;   // its bounds
};

void check_checkpoint(const Checkpoint& c, const CheckpointRun& run);

}  // namespace spiceloop
