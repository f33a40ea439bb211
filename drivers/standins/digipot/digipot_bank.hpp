// The digipot bank stand-in: up/down digital potentiometers (AD5220-like, 128 positions) behind a
// microcontroller, over a Bench. The board cannot read its wipers back: it keeps the code it
// believes per channel, and moves a wiper only by sending up/down pulses (Bench::step_digipot),
// so under the realism knobs "digipot missed or double steps" the true wiper (in the Bench, what
// the network sees) drifts from the belief. With the knobs off belief == truth exactly.
//
// Codes run 0..taps-1 (the network's law, R = R_AB * code / taps + R_wiper; AD5220: 0..127).
// The bank starts believing the codes the network file gives, as if the board had just set them.
// A wiper another stand-in moves (the self-learning network's clock) moves the belief with it;
// only the bank's own missed or double pulses make belief and truth differ.
// SCPI commands (a missing list on a query means every installed channel, ascending; answers
// follow the order of the list):
//   DPOT:CODE <code>|MIN|MAX|DEF,(@list)   steps each wiper from the belief to <code>; the belief
//                                          becomes <code>. NRf rounds to the nearest integer;
//                                          outside 0..taps-1 of a channel: -222. DEF = midscale.
//   DPOT:CODE? [(@list)]                   the believed codes (NR1)
//   DPOT:STEP UP|DOWN,<n>,(@list)          sends n pulses (0..65535, else -222); the belief moves
//                                          n clipped to 0..taps-1, the wiper as the Bench decides
//                                          (n beyond the range re-homes a wiper that missed steps)
//   DPOT:RESistance? [(@list)]             nominal ohms of the believed code (NR3), no tolerance
//   DPOT:TAPS? [(@list)]                   positions per device (NR1; codes are 0..taps-1)
//   SYSTem:CHANnel[:COUNt]?                the number of installed digipot channels
//   SYSTem:CHANnel:LIST?                   the installed channels, e.g. (@1:16)
// plus add_common_commands. *RST is a power cycle of the board: every wiper powers up at midscale
// (taps/2, the AD5220's power-on preset; exact, no pulses) and the belief follows.
// A channel the bench lacks is -222 "channel 17 not installed (@1:16)"; every channel and code of
// a unit is checked before anything moves. A failed simulator update becomes -200 with its id.
// The C++ methods below are shared with the line protocol (line_protocol.hpp); they expect
// checked arguments (std::out_of_range / std::invalid_argument otherwise).
// Not thread-safe; the server runs one command at a time per instrument.
#pragma once

#include <string>
#include <vector>

#include "drivers/scpi/command_tree.hpp"
#include "drivers/scpi/status.hpp"
#include "emulator/bench/bench.hpp"

namespace spiceloop::standins {

struct DigipotOptions {
  std::string serial = "SL-DPOT-0001";
  std::string firmware = "0.1";
};

class DigipotBank {
 public:
  static constexpr int kMaxSteps = 65535;  // pulses per STEP/INC/DEC: the board's 16-bit counter

  DigipotBank(Bench& bench, DigipotOptions options = {});
  DigipotBank(const DigipotBank&) = delete;  // the tree's handlers hold `this`
  DigipotBank& operator=(const DigipotBank&) = delete;

  scpi::CommandTree& tree() { return tree_; }
  scpi::Status& status() { return status_; }
  Bench& bench() { return bench_; }

  const std::vector<int>& channels() const { return channels_; }  // ascending
  bool has_channel(int channel) const;
  int taps(int channel) const;
  int max_code(int channel) const { return taps(channel) - 1; }
  int code(int channel) const;  // the board's belief
  double nominal_ohms(int channel) const;
  // Steps the wiper from the belief to `code` (0..max_code); the belief becomes `code`.
  void set_code(int channel, int code);
  // Sends |steps| pulses (up when positive); the belief moves by steps, clipped to 0..max_code.
  void step(int channel, int steps);
  // Power cycle: wipers and beliefs at midscale.
  void reset();
  // "(@1:16)": the installed channels, consecutive runs as ranges.
  std::string channel_list() const;

 private:
  std::size_t index(int channel) const;
  const Edge& edge(int channel) const;
  void register_commands();

  Bench& bench_;
  DigipotOptions options_;
  std::vector<int> channels_;
  void follow(std::size_t i) const;

  // Per channels_ index. Mutable: reading a code first catches up with wipers others moved.
  mutable std::vector<int> belief_;
  mutable std::vector<int> seen_;  // the true wiper when the bank last looked
  scpi::Status status_;
  scpi::CommandTree tree_;
};

}  // namespace spiceloop::standins
