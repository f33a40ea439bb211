// The memristive crossbar on the table, as a pulse generator behind a switch matrix sees it: each
// pulser channel (the bench file's "pulser") reaches one memristor edge, and a device moves only by
// programming pulses. The device law is emulator/network/memristor.hpp's, called, not copied: the
// devices are drawn exactly as a training run of the same seed draws them (Updater: stream Devices
// of `seed`, kMemristorDraws per memristor edge in edge order, trainable or not) and placed as it
// places them (placed_siemens: clipped into the device's range, or at the bound it is stuck at),
// so with step_noise 0 a run through the instruments programs the very devices the in-process run
// programs. Cycle-to-cycle noise comes from this array's own generator (stream Training of `seed`),
// so with step_noise > 0 the two runs differ, as a real chip differs from any model of it.
// The conductances live in the Bench's network (Bench::update_edges), so every instrument reads
// the programmed devices. The devices do not drift (the bench file refuses drift_nu != 0).
// A channel the array lacks is std::out_of_range; a count beyond max_count std::invalid_argument
// (callers check first). Not thread-safe: one call at a time.
#pragma once

#include <vector>

#include "emulator/bench/bench.hpp"
#include "emulator/core/random.hpp"
#include "emulator/network/memristor.hpp"

namespace spiceloop {

class MemristorArray {
 public:
  // The bench must have a "pulser"; the devices are drawn and placed now.
  explicit MemristorArray(Bench& bench);

  Bench& bench() { return bench_; }
  const std::vector<int>& channels() const { return channels_; }  // ascending
  bool has_channel(int channel) const;
  int max_count() const { return max_count_; }
  int edge(int channel) const;  // index into the network's edges
  const MemristorDevice& device(int channel) const;
  double siemens(int channel) const;  // the device's true conductance
  // Sends |pulses| pulses (up when positive) to the channel's device; 0 sends none.
  void pulse(int channel, int pulses);
  // A fresh chip: every memristor back at the network file's conductance, placed again, and the
  // noise generator restarted (what the table held when the bench was built).
  void preset();

 private:
  std::size_t index(int channel) const;
  void place();

  Bench& bench_;
  std::vector<int> channels_;
  std::vector<int> edges_;                  // per channels_ index
  std::vector<MemristorDevice> devices_;    // per network edge (memristors only meaningful)
  std::vector<double> file_siemens_;        // per network edge: the network file's values
  int max_count_ = 0;
  std::uint64_t seed_ = 1;
  Rng noise_;
};

}  // namespace spiceloop
