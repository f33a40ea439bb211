// The SMU stand-in: a Keithley 2400 SourceMeter in its own SCPI dialect, on the bench's "smu" node
// (a network input that no source channel drives). Enough of the 2400 that unmodified drivers
// (PyMeasure's Keithley2400, the usual hand-written PyVISA scripts) can source a voltage or a
// current and read both back. The SOURce root is required and the SENSe root optional, as on the
// 2400 (`:VOLT:PROT 10` is the sense voltage compliance, `:SOUR:VOLT 1` the source level).
// Commands (`SOURce1`, `SENSe1`, `OUTPut1` are accepted; other suffixes -114):
//   SOURce:FUNCtion[:MODE] VOLTage|CURRent                        and ?  (answers VOLT / CURR)
//   SOURce:VOLTage[:LEVel][:IMMediate][:AMPLitude] <v>            and ?  (+/-max_volts, else -222)
//   SOURce:CURRent[:LEVel][:IMMediate][:AMPLitude] <a>            and ?  (+/-max_amps, else -222)
//   SOURce:VOLTage|CURRent:RANGe[:UPPer] <n>, :RANGe:AUTO <b>     and ?  (stored: 2400 range list)
//   SOURce:VOLTage|CURRent:MODE FIXed                             and ?  (SWEep, LIST: -221)
//   SOURce:CLEar[:IMMediate]    output OFF;   SOURce:CLEar:AUTO <b> and ?  (auto output-off)
//   SOURce:DELay <s>, SOURce:DELay:AUTO <b>                       and ?  (stored)
//   [SENSe:]CURRent[:DC]:PROTection[:LEVel] <a>                   and ?  compliance in V-source mode
//   [SENSe:]VOLTage[:DC]:PROTection[:LEVel] <v>                   and ?  compliance in I-source mode
//   [SENSe:]CURRent|VOLTage[:DC]:PROTection:TRIPped?              1 while that limit holds the output
//   [SENSe:]CURRent|VOLTage[:DC]|RESistance:RANGe[:UPPer] <n>, :RANGe:AUTO <b>   and ?  (stored)
//   [SENSe:]CURRent|VOLTage[:DC]|RESistance:NPLCycles <0.01..10>  and ?  (one value shared, as on
//                               the 2400; with Realism::integration_latency a reading takes NPLC/line_hz)
//   [SENSe:]RESistance:MODE MANual|AUTO                           and ?  (stored; ohms are V/I)
//   [SENSe:]FUNCtion[:ON] '<f>'{,'<f>'}  and ?   [SENSe:]FUNCtion:OFF '<f>'{,...}   (f: VOLT[:DC],
//   [SENSe:]FUNCtion[:ON]:ALL, [SENSe:]FUNCtion:OFF:ALL               CURR[:DC], RES; unquoted too)
//   [SENSe:]FUNCtion:CONCurrent <b>                               and ?
//   [SENSe:]AVERage[:STATe] <b>, [SENSe:]AVERage:COUNt <1..100>   and ?  (stored)
//   FORMat:ELEMents[:SENSe] VOLTage|CURRent|RESistance|TIME|STATus{,...}   and ?
//   FORMat[:DATA] ASCii|REAL,64, FORMat:BORDer NORMal|SWAPped     and ?  (READ? FETC? MEAS? blocks)
//   OUTPut[:STATe] ON|OFF                                         and ?
//   INITiate[:IMMediate]  ARM:COUN x TRIG:COUN readings into the sample buffer
//   FETCh?  the sample buffer        READ?  INIT + FETC?        ABORt (no-op: readings are instant)
//   MEASure[:VOLTage[:DC]|:CURRent[:DC]|:RESistance]?  CONF, output ON, READ? (auto-off: output OFF)
//   CONFigure[:VOLTage[:DC]|:CURRent[:DC]|:RESistance]  and CONFigure?  (turns that function on)
//   TRIGger[:SEQuence]:COUNt <1..2500>, ARM[:SEQuence][:LAYer]:COUNt <1..2500>  and ?  (product <= 2500)
//   TRIGger[:SEQuence]:DELay <s>, TRIGger[:SEQuence]:SOURce IMM|TLIN, TRIGger:CLEar,
//   ARM[:SEQuence][:LAYer]:SOURce IMM|TIM|MAN|BUS|TLIN|NST|PST|BST, ARM...:TIMer <s>   (stored)
//   ROUTe:TERMinals FRONt|REAR and ?,  SYSTem:RSENse <b> and ?,  SYSTem:AZERo[:STATe] <b>|ONCE and ?
//   SYSTem:BEEPer[:IMMediate] <hz>,<s>, SYSTem:BEEPer:STATe <b> and ?  (silent),  SYSTem:TIME:RESet,
//   SYSTem:TIME?, SYSTem:PRESet (as *RST), SYSTem:REMote, SYSTem:LOCal, SYSTem:RWLock
//   STATus:PRESet, STATus:QUEue:CLEar, STATus:QUEue[:NEXT]?
// plus add_common_commands: *IDN? = KEITHLEY INSTRUMENTS INC.,MODEL 2400,<serial>,<firmware> (the
// maker is faked on purpose so drivers that check it accept the stand-in); *RST gives the 2400's
// *RST state (V source 0 V, 105 uA compliance, 21 V voltage compliance, output OFF, sense CURR
// only, concurrent ON, all five elements, counts 1, auto output-off OFF); the error queue stays.
//
// Readings: each is the selected elements, always in the 2400's order voltage, current,
// resistance, timestamp (seconds since power-on, *RST or SYST:TIME:RES), status word (the 2400's
// bits: 2 front terminals, 3 compliance, 11/12/13 V/I/ohms measured, 14 V source, 15 I source,
// 22 remote sense); NR3 in ASCII, like every number the 2400 sends. Voltage and current are the
// solved node voltage and SMU current whichever functions are on (the 2400 would show the source
// setting for an unmeasured sourced quantity); resistance is V/I when RES is on, else 9.91E+37.
//
// Operating point: the Bench regulates the SMU at every solve (emulator/bench/smu.hpp, on the
// regulator the source channels use). Voltage mode: the setpoint, unless |I| would exceed the
// current compliance; then the voltage at which I equals the limit (sign of the unclamped
// current). Current mode: the voltage at which I equals the setpoint, within +/- the voltage
// compliance (beyond it: held at the limit). Every instrument's change reaches the SMU node at the
// next solve, as a 2400 regulates continuously. Each SMU setting pushes the source to the Bench and,
// with the output ON, solves at once, so a failed solve answers that command. OFF holds the node
// at 0 V (Bench).
//
// Errors: READ?/INIT with the output OFF and auto output-off disabled is the 2400's
// +803 "Not permitted with OUTPUT off"; FETC? before any INIT -230; a failed solve -200 with the
// error id. Not thread-safe; the server runs one command at a time per instrument.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "drivers/scpi/command_tree.hpp"
#include "drivers/scpi/data_format.hpp"
#include "drivers/scpi/status.hpp"
#include "emulator/bench/bench.hpp"

namespace spiceloop::standins {

struct SmuOptions {
  std::string serial = "4105127";
  std::string firmware = "C33   Mar 31 2015 09:32:39/A02  /K/J";  // a 2400's firmware string
  double max_volts = 210.0;                                          // the 2400's source limits
  double max_amps = 1.05;
};

class Smu {
 public:
  enum class Mode { Volts, Amps };

  // Throws std::invalid_argument when the bench has no SMU.
  Smu(Bench& bench, SmuOptions options = {});
  Smu(const Smu&) = delete;  // the tree's handlers hold `this`
  Smu& operator=(const Smu&) = delete;

  scpi::CommandTree& tree() { return tree_; }
  scpi::Status& status() { return status_; }
  Bench& bench() { return bench_; }
  void reset();

  Mode mode() const { return s_.mode; }
  bool output() const { return bench_.smu_output(); }
  // True while a compliance limit holds the output (solves if needed; spiceloop::Error if it fails).
  bool in_compliance();
  // Pushes the source settings to the Bench and, with the output ON, solves at them.
  // Throws spiceloop::Error when a solve fails.
  void regulate();

 private:
  struct Range {
    double value;
    bool autorange;
  };
  struct Settings {
    Mode mode = Mode::Volts;
    double source_volts = 0.0;
    double source_amps = 0.0;
    double limit_amps = 105e-6;
    double limit_volts = 21.0;
    Range source_volts_range{21.0, true}, source_amps_range{1.05e-4, true};
    Range sense_volts_range{21.0, true}, sense_amps_range{1.05e-4, true}, sense_ohms_range{2.1e5, true};
    double nplc = 1.0;
    bool concurrent = true;
    unsigned functions = 2;      // bit 0 VOLT, 1 CURR, 2 RES
    unsigned elements = 0x1f;    // bit 0 VOLT, 1 CURR, 2 RES, 3 TIME, 4 STAT
    int trigger_count = 1;
    int arm_count = 1;
    double trigger_delay = 0.0;
    double source_delay = 0.0;
    bool source_delay_auto = true;
    double arm_timer = 0.1;
    std::size_t trigger_source = 0;  // index into the TRIG:SOUR / ARM:SOUR word lists
    std::size_t arm_source = 0;
    bool auto_off = false;
    bool front = true;
    bool remote_sense = false;
    bool autozero = true;
    bool beeper = true;
    bool averaging = false;
    int average_count = 10;
    bool ohms_auto = false;
  };
  void register_commands();
  void register_source();
  void register_sense();
  void register_trigger();
  void register_system();
  SmuSource source() const;  // the settings as the Bench regulates them
  void regulate_or_throw();
  void take_readings();  // INIT: the output must be ON or auto output-off enabled
  std::string fetch() const;
  void enable_function(unsigned bit);

  Bench& bench_;
  SmuOptions options_;
  Settings s_;
  std::vector<double> buffer_;  // the last INIT's readings, elements flattened
  bool buffer_valid_ = false;
  std::chrono::steady_clock::time_point epoch_;
  scpi::DataFormat format_;
  scpi::Status status_;
  scpi::CommandTree tree_;
};

}  // namespace spiceloop::standins
