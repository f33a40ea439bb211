// The scanner stand-in: a multiplexed DMM / data-acquisition unit in the Keysight 34970A / DAQ970A
// dialect over a Bench. Which node (or node pair) each channel (101..999) reads comes from the bench
// file; every reading is one Bench::measure_scanner_volts call, so the realism knobs apply per
// reading, and with Realism::integration_latency each reading takes NPLC / line_hz seconds.
// Commands (lists are scanned and answered in the order written; duplicates are kept):
//   MEASure:VOLTage[:DC]? [<range>[,<res>],](@list)   CONF, then one sweep into memory, answered
//   CONFigure:VOLTage[:DC] [<range>[,<res>],](@list)  range and NPLC per channel; sets the scan list
//   CONFigure? [(@list)]                              "VOLT <range>,<resolution>" per channel
//   ROUTe:SCAN (@list)  and ?                         ? answers a block: #214(@101,102,103), #13(@)
//   ROUTe:SCAN:SIZE?
//   INITiate[:IMMediate]   clears memory; IMM/EXT/TIM: TRIG:COUN sweeps now; BUS: arms for *TRG
//   FETCh?                 the readings in memory (kept)          READ?   INIT + FETC?
//   R? [<max>]             removes up to max (1..50000) oldest readings: ASCII in a definite block
//   ABORt                  disarms a BUS scan; readings stay
//   TRIGger:SOURce IMMediate|BUS|EXTernal|TIMer and ?      TRIGger:COUNt <1..50000> and ?
//   [SENSe:]VOLTage[:DC]:NPLCycles <0.02..200>[,(@list)] and ?   (rounds up to 0.02 0.2 1 2 10 20
//                          100 200 as the 34970A does; no list: the channels of the scan list)
//   FORMat:READing:CHANnel ON|OFF and ?   each ASCII reading followed by its channel number
//   FORMat[:DATA] ASCii|REAL,64, FORMat:BORDer NORMal|SWAPped   (MEAS? READ? FETC? answer blocks)
//   *TRG                   one sweep of an armed BUS scan (else -211)
// plus add_common_commands; *RST gives the power-on state: empty scan list, AUTO range and NPLC 1
// on every channel, TRIG:SOUR IMM, TRIG:COUN 1, FORM ASCII NORM, channel tags OFF, memory empty
// (the error queue stays).
// Errors: a channel the bench lacks -222 "channel 165 not installed", and the unit changes nothing;
// an empty scan list at INIT/READ?/MEAS? -221; a setting while a BUS scan is armed, or READ? with
// TRIG:SOUR BUS, -221 (the 34970A's -213/-214 are not in the SCPI layer's table); FETC? with no
// readings or while armed -230; a failed solve -200 with the error id. A fixed range reads
// +9.9E+37 (overload) beyond 120 % of it; otherwise the emulator is ideal and resolution only
// selects the NPLC.
// Not thread-safe; the server runs one command at a time per instrument.
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "drivers/scpi/command_tree.hpp"
#include "drivers/scpi/data_format.hpp"
#include "drivers/scpi/status.hpp"
#include "emulator/bench/bench.hpp"

namespace spiceloop::standins {

struct ScannerOptions {
  std::string serial = "SL-34970A-0001";
  std::string firmware = "0.1";
  std::size_t memory_readings = 50000;  // the 34970A's reading memory; the oldest go first
};

class Scanner {
 public:
  enum class TriggerSource { Immediate, Bus, External, Timer };
  struct Reading {
    double volts = 0.0;
    int channel = 0;
  };

  Scanner(Bench& bench, ScannerOptions options = {});
  Scanner(const Scanner&) = delete;  // the tree's handlers hold `this`
  Scanner& operator=(const Scanner&) = delete;

  scpi::CommandTree& tree() { return tree_; }
  scpi::Status& status() { return status_; }
  Bench& bench() { return bench_; }
  const std::vector<int>& scan_list() const { return scan_; }
  std::size_t readings_in_memory() const { return memory_.size(); }
  bool armed() const { return sweeps_left_ > 0; }
  void reset();

 private:
  struct ChannelSetup {
    std::optional<double> range_volts;  // nullopt: AUTO
    double nplc = 1.0;
  };

  void register_commands();
  void check_installed(std::span<const int> channels) const;
  std::vector<int> listed_or_scan(const scpi::Call& c, std::size_t i) const;
  void require_idle() const;
  ChannelSetup requested_setup(const scpi::Call& c, std::size_t list_index) const;
  void configure(const std::vector<int>& channels, const ChannelSetup& setup);
  void initiate();
  void trigger();
  std::vector<Reading> sweep();
  void store(const std::vector<Reading>& readings);
  void integrate(double nplc) const;
  std::string ascii(std::span<const Reading> readings) const;
  std::string answer(std::span<const Reading> readings) const;
  std::vector<Reading> memory() const { return {memory_.begin(), memory_.end()}; }

  Bench& bench_;
  ScannerOptions options_;
  std::map<int, ChannelSetup> setup_;  // every channel the bench has
  std::vector<int> scan_;
  TriggerSource source_ = TriggerSource::Immediate;
  int trigger_count_ = 1;
  int sweeps_left_ = 0;  // > 0: a BUS scan is armed
  bool channel_tags_ = false;
  std::deque<Reading> memory_;
  scpi::DataFormat format_;
  scpi::Status status_;
  scpi::CommandTree tree_;
};

}  // namespace spiceloop::standins
