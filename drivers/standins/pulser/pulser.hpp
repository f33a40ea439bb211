// The pulser stand-in: a pulse generator driving a memristive crossbar through a switch matrix
// (emulator/bench/memristor_array.hpp holds the devices and their law). Its dialect is the
// [SOURce:]PULSe subsystem of a pulse source-measure unit such as Keysight's B2900 (level, count,
// INITiate on a channel list), with the switch matrix's channel list in place of the B2900's two
// channel suffixes. A pulse's sign is its direction: positive potentiates (conductance up),
// negative depresses; the device model has no voltage dependence, so any amplitude in range is
// one model pulse.
// SCPI commands (a missing list on a query means every installed channel, ascending; answers
// follow the order of the list; writes need a list, -109 without):
//   [SOURce:]PULSe:AMPLitude <volts>,(@list)   pulse level, 0 < |v| <= 10 V; 0 V or beyond: -222
//   [SOURce:]PULSe:AMPLitude? [(@list)]        NR3
//   [SOURce:]PULSe:COUNt <n>|MIN|MAX|DEF,(@list)  pulses per trigger, 1..max_count (bench file);
//                                              0, negative, fractional or beyond: -222
//   [SOURce:]PULSe:COUNt? [(@list)]            NR1
//   INITiate[:IMMediate] (@list)               each listed channel sends its count of pulses of
//                                              its amplitude's sign, in the order of the list
//   MEMRistor:PRESet                           emulator only: a fresh chip (MemristorArray::preset)
//   SYSTem:CHANnel[:COUNt]?, SYSTem:CHANnel:LIST?   installed channels
// plus add_common_commands. *RST: amplitude +1 V and count 1 on every channel; the devices keep
// their conductance (they are non-volatile). A channel the bench lacks is -222 "channel 17 not
// installed (@1:6)"; every channel and value of a unit is checked before anything changes or fires.
// A failed simulator update becomes -200 with its id. Not thread-safe; the server runs one command
// at a time per instrument.
#pragma once

#include <string>
#include <vector>

#include "drivers/scpi/command_tree.hpp"
#include "drivers/scpi/status.hpp"
#include "emulator/bench/bench.hpp"
#include "emulator/bench/memristor_array.hpp"

namespace spiceloop::standins {

struct PulserOptions {
  std::string serial = "SL-PULSE-0001";
  std::string firmware = "0.1";
  double max_volts = 10.0;  // |amplitude| limit
};

class Pulser {
 public:
  // The bench must have a "pulser" (std::bad_optional_access otherwise).
  explicit Pulser(Bench& bench, PulserOptions options = {});
  Pulser(const Pulser&) = delete;  // the tree's handlers hold `this`
  Pulser& operator=(const Pulser&) = delete;

  scpi::CommandTree& tree() { return tree_; }
  scpi::Status& status() { return status_; }
  MemristorArray& array() { return array_; }
  const MemristorArray& array() const { return array_; }
  void reset();
  // "(@1:6)": the installed channels, consecutive runs as ranges.
  std::string channel_list() const;

 private:
  void register_commands();
  std::size_t slot(int channel) const;

  PulserOptions options_;
  MemristorArray array_;
  std::vector<double> amplitude_;  // per array channel index
  std::vector<int> count_;
  scpi::Status status_;
  scpi::CommandTree tree_;
};

}  // namespace spiceloop::standins
