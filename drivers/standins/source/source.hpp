// The multi-channel DC source stand-in: the Keysight N6700 channel-list dialect over a Bench.
// Setpoints and output states live in the Bench (every instrument sees them); the current limit
// lives here. Commands (channel lists answer in the order asked; without a list, channel 1):
//   [SOURce:]VOLTage[:LEVel][:IMMediate][:AMPLitude] <v>[,(@list)]   and ?   (+/-max_volts, else -222)
//   [SOURce:]CURRent[:LEVel][:IMMediate][:AMPLitude] <a>[,(@list)]   and ?   (0..max_amps, else -222)
//   OUTPut[:STATe] ON|OFF[,(@list)]                                   and ?
//   MEASure[:SCALar]:VOLTage[:DC]? [(@list)]   the node voltage (0 V while the output is OFF)
//   MEASure[:SCALar]:CURRent[:DC]? [(@list)]   the current the channel delivers into its node
//   SYSTem:CHANnel[:COUNt]?
// plus add_common_commands (*RST: 0 V, outputs OFF, limits max_amps; the error queue stays).
// A channel the bench lacks is -222 "Data out of range" (the N6700 answers that for a channel
// number outside its mainframe), and the whole unit is refused: no channel of it changes.
// The current limit is stored and answered but not enforced: compliance is not modelled yet.
// A simulation failure while measuring becomes -200 "Execution error" with the error id.
// Not thread-safe; the server runs one command at a time per instrument.
#pragma once

#include <string>
#include <vector>

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
  double current_limit_amps(int channel) const { return limit_amps_.at(static_cast<std::size_t>(channel - 1)); }
  void reset();

 private:
  void register_commands();

  Bench& bench_;
  SourceOptions options_;
  std::vector<double> limit_amps_;  // per channel - 1
  scpi::Status status_;
  scpi::CommandTree tree_;
};

}  // namespace spiceloop::standins
