// The multi-channel DC source stand-in: the Keysight N6700 channel-list dialect over a Bench.
// Setpoints, output states and current limits live in the Bench (every instrument sees them).
// Commands (channel lists answer in the order asked; without a list, channel 1):
//   [SOURce:]VOLTage[:LEVel][:IMMediate][:AMPLitude] <v>[,(@list)]   and ?   (+/-max_volts, else -222)
//   [SOURce:]CURRent[:LEVel][:IMMediate][:AMPLitude] <a>[,(@list)]   and ?   (0..max_amps, else -222)
//                                              the current limit, enforced: see CV/CC below
//   OUTPut[:STATe] ON|OFF[,(@list)]                                   and ?
//   MEASure[:SCALar]:VOLTage[:DC]? [(@list)]   the node voltage: the setpoint in CV, the regulated
//                                              voltage in CC (0 V while the output is OFF)
//   MEASure[:SCALar]:CURRent[:DC]? [(@list)]   the current the channel delivers into its node
//   STATus:OPERation:CONDition? [(@list)]     per channel, the N6700 operation condition bits this
//                                              models: CV = bit 0 (1), CC = bit 1 (2), OFF = bit 2 (4)
//   SYSTem:CHANnel[:COUNt]?
// plus add_common_commands (*RST: 0 V, outputs OFF, limits max_amps; the error queue stays).
// A channel the bench lacks is -222 "Data out of range" (the N6700 answers that for a channel
// number outside its mainframe), and the whole unit is refused: no channel of it changes.
// CV/CC: a channel whose load would draw more than its limit goes into constant current, its
// voltage dropping (rising, for a negative current) until |I| equals the limit; the Bench solves
// this (bench.hpp), so every instrument on the bench measures the regulated circuit. Clamp
// channels (on network outputs) stay ideal voltage sources.
// A simulation failure while measuring becomes -200 "Execution error" with the error id.
// Not thread-safe; the server runs one command at a time per instrument.
#pragma once

#include <string>

#include "drivers/scpi/command_tree.hpp"
#include "drivers/scpi/status.hpp"
#include "emulator/bench/bench.hpp"

namespace spiceloop::standins {

struct SourceOptions {
  std::string serial = "SL-N6700-0001";
  std::string firmware = "0.1";
  double max_volts = 20.0;
  double max_amps = 1.0;
};

class Source {
 public:
  Source(Bench& bench, SourceOptions options = {});
  Source(const Source&) = delete;  // the tree's handlers hold `this`
  Source& operator=(const Source&) = delete;

  scpi::CommandTree& tree() { return tree_; }
  scpi::Status& status() { return status_; }
  Bench& bench() { return bench_; }
  double current_limit_amps(int channel) const { return bench_.source_current_limit(channel); }
  void reset();

 private:
  void register_commands();
  void set_limits(double amps);  // every channel's

  Bench& bench_;
  SourceOptions options_;
  scpi::Status status_;
  scpi::CommandTree tree_;
};

}  // namespace spiceloop::standins
