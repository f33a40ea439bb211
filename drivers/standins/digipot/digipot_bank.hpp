// The digipot bank stand-in: the SCPI dialect of the digipot board (emulator/bench/digipot_board.hpp:
// up/down digital potentiometers behind a microcontroller that believes a code per channel and
// moves each wiper by pulses, which the realism knobs may miss or double). The board's belief is
// what the commands read and write; the true wiper is the Bench's digipot code.
// SCPI commands (a missing list on a query means every installed channel, ascending; answers
// follow the order of the list):
//   DPOT:CODE <code>|MIN|MAX|DEF,(@list)   steps each wiper from the belief to <code>; the belief
//                                          becomes <code>. NRf rounds to the nearest integer;
//                                          outside 0..taps-1 of a channel: -222. DEF = midscale.
//   DPOT:CODE? [(@list)]                   the believed codes (NR1)
//   DPOT:STEP UP|DOWN,<n>,(@list)          sends n pulses (0..65535, else -222); the belief moves
//                                          n clipped to 0..taps-1, the wiper as the board's pulses
//                                          land (n beyond the range re-homes a wiper that missed steps)
//   DPOT:RESistance? [(@list)]             nominal ohms of the believed code (NR3), no tolerance
//   DPOT:TAPS? [(@list)]                   positions per device (NR1; codes are 0..taps-1)
//   SYSTem:CHANnel[:COUNt]?                the number of installed digipot channels
//   SYSTem:CHANnel:LIST?                   the installed channels, e.g. (@1:16)
// plus add_common_commands. *RST is a power cycle of the board (DigipotBoard::reset: every wiper
// and belief at midscale). A channel the bench lacks is -222 "channel 17 not installed (@1:16)";
// every channel and code of a unit is checked before anything moves. A failed simulator update
// becomes -200 with its id. The board is shared with the line protocol (line_protocol.hpp).
// Not thread-safe; the server runs one command at a time per instrument.
#pragma once

#include <string>

#include "drivers/scpi/command_tree.hpp"
#include "drivers/scpi/status.hpp"
#include "emulator/bench/bench.hpp"
#include "emulator/bench/digipot_board.hpp"

namespace spiceloop::standins {

struct DigipotOptions {
  std::string serial = "SL-DPOT-0001";
  std::string firmware = "0.1";
};

class DigipotBank {
 public:
  DigipotBank(Bench& bench, DigipotOptions options = {});
  DigipotBank(const DigipotBank&) = delete;  // the tree's handlers hold `this`
  DigipotBank& operator=(const DigipotBank&) = delete;

  scpi::CommandTree& tree() { return tree_; }
  scpi::Status& status() { return status_; }
  Bench& bench() { return board_.bench(); }
  DigipotBoard& board() { return board_; }
  const DigipotBoard& board() const { return board_; }
  void reset() { board_.reset(); }
  // "(@1:16)": the installed channels, consecutive runs as ranges.
  std::string channel_list() const;

 private:
  void register_commands();

  DigipotOptions options_;
  DigipotBoard board_;
  scpi::Status status_;
  scpi::CommandTree tree_;
};

}  // namespace spiceloop::standins
