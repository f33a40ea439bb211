// The plain line protocol digipot boards speak over USB serial, as pure code (no I/O): bytes in
// through feed(), answer lines out through take_output(). It drives the same DigipotBoard as the
// SCPI side (DigipotBank::board(): same belief, same Bench), so a SET here is what DPOT:CODE?
// answers there.
//
//   SET <ch> <code>   step the wiper to <code> (0..taps-1)     -> OK
//   INC <ch> <n>      n up pulses (0..65535)                   -> OK
//   DEC <ch> <n>      n down pulses (0..65535)                 -> OK
//   GET? <ch>         the believed code                        -> 64
//   ALL?              believed codes, ascending channel order  -> 64 64 49 ... (one space apart)
//   errors            ERR unknown command | ERR missing argument | ERR too many arguments |
//                     ERR bad number | ERR no channel 17 | ERR code 200 out of range 0..127 |
//                     ERR steps 70000 out of range 0..65535 | ERR invalid character |
//                     ERR line too long | ERR execution <error id>
//
// Framing: a line ends at \n or \r, so \r\n, \n and a terminal's bare \r all work (the empty
// line between \r and \n is blank). Blank lines (nothing but spaces and tabs) are ignored; every
// other line gets exactly one answer line, ended by options.eol. Keywords are case-insensitive;
// words are separated by spaces or tabs; numbers are decimal digits with an optional sign. A line
// longer than max_line_bytes gives one "ERR line too long" at its end and is otherwise discarded
// (memory stays bounded). Answers beyond max_output_bytes that nobody takes are dropped, as a
// board's full transmit buffer drops them. Arguments are checked before anything moves.
// Not thread-safe; the owner runs it one call at a time, along with the board's SCPI sessions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "emulator/bench/digipot_board.hpp"

namespace spiceloop::standins {

struct DigipotLineOptions {
  std::size_t max_line_bytes = 256;
  std::size_t max_output_bytes = 64 * 1024;
  std::string eol = "\r\n";  // what Arduino-style boards send after each answer
};

class DigipotLine {
 public:
  explicit DigipotLine(DigipotBoard& board, DigipotLineOptions options = {});

  // Any split of the byte stream; runs every completed line.
  void feed(std::string_view bytes);
  std::string take_output();
  std::size_t dropped_answers() const { return dropped_; }

 private:
  void end_line();
  std::string execute(std::string_view line);
  void answer(const std::string& text);

  DigipotBoard& board_;
  DigipotLineOptions options_;
  std::string line_;        // at most max_line_bytes
  bool overlong_ = false;   // the current line passed max_line_bytes
  std::string output_;
  std::size_t dropped_ = 0;
};

}  // namespace spiceloop::standins
