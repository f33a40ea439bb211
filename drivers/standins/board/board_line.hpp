// The lab board's semicolon-delimited ASCII serial protocol (the transistor learning machine's
// host link; drivers/standins/README.md, "Lab board"), as pure code: bytes in through feed(),
// answer lines out through take_output(), over a BoardMachine (emulator/bench/board_machine.hpp).
//
// Host -> board, tokens ended by ';' (spaces, tabs, CR and LF around a token are ignored):
//   parameters  ETA;v;   clamp factor eta in (0, 1]               -> ETA recieved!
//               ALF;v;   learning rate alpha in [0, 1e6]          -> ALF recieved!
//               NST;n;   learning steps RUN takes, 1..max_steps   -> NST recieved!
//   arrays      INPT; TRGT; GATE;  then SOLO;v; (every element v) or MULTI;v1;...;vn; (n = the
//               array's size: network inputs, outputs, transistor edges)   -> INPT recieved!
//               inputs and targets within +/-1000 V; each gate within its edge's bounds
//   commands    RUN;   NST learning steps, each reported      -> RUN recieved!, reports, DONE;n;
//               MEAS;  one twin measurement, no gate moves    -> MEAS recieved!, report, DONE;0;
//               RELX;  the free copy alone at rest            -> RELX recieved!, FREE;MULTI;...;, DONE;0;
//               READ;  every setting back                     -> READ recieved!, ETA;v; ALF;v; NST;n;
//                                                                INPT;MULTI;..; TRGT;MULTI;..; GATE;MULTI;..; DONE;0;
//               ERR;   why the last refusal happened          -> ERR;<reason>;   (ERR;none; if none)
//               RST;   settings to power-on, gates to the network file's -> RST recieved!
//               STOP;  on a line of its own while a RUN runs on the same port: the RUN stops before
//                      its next step (`Aborting experiment.`; ERR; says after how many), then
//                      STOP itself answers STOP recieved! (also when nothing ran)
// A report, one per step:  STEP;k;  FREE;MULTI;<node volts>;  CLMP;MULTI;<node volts>;
//   GATE;MULTI;<gate volts after the step>;   (k counts learning steps since power-on or RST;
//   node volts of every node in network order, ground first; FREE and CLMP are the twin the step
//   learned from).
// Refusals, as the board spells them: an unknown codon (or a stray value) answers
// `Invalid Data Codon...` and is skipped; a bad value, a wrong array form, or a failed solve
// answers `Aborting experiment.`, changes nothing of that codon (the steps of a RUN before the
// failure stand) and discards the rest of the line (up to CR or LF), so a refused array's
// remaining values do not run as codons. ERR; says what was refused.
// Numbers: decimal, optional sign and exponent, no locale (core/numbers.hpp), finite; answers
// carry the shortest text that reads back as the same double. Codons are upper case. Answer lines
// end with options.eol. A token longer than max_token_bytes is refused whole; answers beyond
// max_output_bytes that nobody takes are dropped and counted. feed() never throws.
// Not thread-safe: the server runs one call at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/bench/board_machine.hpp"

namespace spiceloop::standins {

struct BoardLineOptions {
  std::size_t max_token_bytes = 40;
  std::size_t max_output_bytes = 32u << 20;
  int max_steps = 10000;     // the largest NST
  std::string eol = "\r\n";  // what an Arduino-style Serial.println sends
};

// What the board keeps between commands, shared by every connection to it (the pty and TCP
// serve one board); each connection's BoardLine keeps only its own framing.
struct BoardSettings {
  explicit BoardSettings(const BoardMachine& machine);
  void reset(const Network& net);  // power-on values; the gates are the machine's

  std::vector<double> initial_gates;  // what RST restores
  double eta = 0.5, alpha = 0.0;
  int steps_per_run = 1;
  std::vector<double> inputs, targets;
  std::int64_t steps = 0;  // learning steps since power-on or RST
  std::string last_error = "none";
};

// A line that stops a RUN running on the port it arrives on (the server reads it ahead of the queue).
bool is_board_stop_line(std::string_view line);

class BoardLine {
 public:
  BoardLine(BoardMachine& machine, BoardSettings& settings, BoardLineOptions options = {});

  void feed(std::string_view bytes);
  std::string take_output();
  std::size_t dropped_answers() const { return dropped_; }

 private:
  enum class Expect { Codon, Value, ArrayForm, SoloValue, MultiValue, LineEnd };
  void token(std::string_view t, bool overlong);
  void codon(std::string_view t);
  void value(std::string_view t);
  void array_value(std::string_view t);
  void run_command(std::string_view c);
  void report(std::int64_t step, const TwinState& twin);
  void invalid(const std::string& why);
  void abort(const std::string& why);
  void answer(const std::string& line);
  std::size_t array_size(std::string_view name) const;
  bool array_value_ok(double v, std::size_t i, std::string& why) const;
  BoardDrive drive() const;

  BoardMachine& machine_;
  BoardLineOptions options_;
  BoardSettings& s_;
  std::vector<std::size_t> gate_edges_;  // the machine's transistor edges, GATE's numbering
  Expect expect_ = Expect::Codon;
  std::string pending_;          // the codon awaiting its value(s)
  std::vector<double> array_;    // MULTI values so far
  std::string token_;            // at most max_token_bytes
  bool overlong_ = false;
  std::string output_;
  std::size_t dropped_ = 0;
};

}  // namespace spiceloop::standins
