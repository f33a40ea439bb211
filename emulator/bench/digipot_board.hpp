// The digipot board: up/down digital potentiometers (AD5220-like, 128 positions) behind a
// microcontroller. The board cannot read a wiper back: it keeps the code it believes per channel
// and moves a wiper only by pulses. With the realism knobs digipot_miss_probability /
// digipot_double_probability each pulse may be missed or taken twice (seeded, from the bench's
// generator), so the true wiper (the Bench's digipot code, what the network sees) drifts from the
// belief; with the knobs off belief == truth exactly.
//
// Codes run 0..taps-1 (the network's law, R = R_AB * code / taps + R_wiper). The board starts
// believing the codes the network file gives, as if it had just set them. A wiper someone else
// moves (the learning clock, the control port) moves the belief with it: only the board's own
// missed or double pulses make belief and truth differ.
// Channels are the bench file's "digipots" channels. A channel the board lacks is std::out_of_range,
// a code outside 0..taps-1 std::invalid_argument (callers check first); a failed simulator update
// propagates as spiceloop::Error. Not thread-safe: one call at a time.
#pragma once

#include <functional>
#include <vector>

#include "emulator/bench/bench.hpp"
#include "emulator/bench/realism.hpp"

namespace spiceloop {

// The wiper after `pulses` pulses (up when positive) from `code`, each clipped to 0..taps-1 (the
// device saturates). With a miss or double probability each pulse takes one uniform() draw.
int pulsed_code(int code, int pulses, int taps, const Realism& realism, const std::function<double()>& uniform);

class DigipotBoard {
 public:
  static constexpr int kMaxSteps = 65535;  // pulses per move: the board's 16-bit counter

  explicit DigipotBoard(Bench& bench);

  Bench& bench() { return bench_; }
  const std::vector<int>& channels() const { return channels_; }  // ascending
  bool has_channel(int channel) const;
  int taps(int channel) const;
  int max_code(int channel) const { return taps(channel) - 1; }
  int code(int channel) const;  // the belief
  // Nominal ohms of the believed code: what the board can know (no tolerance).
  double nominal_ohms(int channel) const;
  // Pulses the wiper from the belief to `code` (0..max_code); the belief becomes `code`.
  void set_code(int channel, int code);
  // Sends |steps| pulses (up when positive); the belief moves by steps, clipped to 0..max_code.
  void step(int channel, int steps);
  // Power cycle: every wiper at midscale (taps/2, the AD5220's preset; exact, no pulses), and the
  // belief with it.
  void reset();

 private:
  std::size_t index(int channel) const;
  const Edge& edge(int channel) const;
  void follow(std::size_t i) const;

  Bench& bench_;
  std::vector<int> channels_;
  // Per channels_ index. Mutable: reading a code first catches up with wipers others moved.
  mutable std::vector<int> belief_;
  mutable std::vector<int> seen_;  // the true wiper when the board last looked
};

}  // namespace spiceloop
