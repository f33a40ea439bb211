// The host side of the lab board's serial protocol (drivers/standins/README.md, "Lab board"):
// the transistor learning machine's board, emulated (`spiceloop board`) or real, on a raw TCP
// socket (`TCPIP0::host::port::SOCKET`) or on its serial device (`ASRL/dev/ttyACM0::INSTR`,
// serial_line.hpp; `spiceloop board`'s pty alike). Every setting waits for its `NAME recieved!`; a refusal (`Invalid Data Codon...`,
// `Aborting experiment.`) is followed by `ERR;` and thrown as ClientError(Instrument) with the
// board's reason. Numbers go out with 17 significant digits, so the board gets exactly the double
// meant; the stand-in answers with round-trip text, so nothing is lost either way.
//
//   BoardClient board("TCPIP0::127.0.0.1::5040::SOCKET");
//   board.set_eta(0.5); board.set_alpha(5); board.set_steps(10);     // ETA;0.5;  ALF;5;  NST;10;
//   board.set_inputs({0, 0.45, 0, 0.45}); board.set_targets({0.2});    // INPT;MULTI;...;  TRGT;SOLO;0.2;
//   board.set_gates(g);                                                // GATE;MULTI;...;
//   BoardReport r = board.measure();                                   // MEAS;  (no gate moves)
//   std::vector<BoardReport> steps = board.run();                      // RUN;   (NST learning steps)
//   std::vector<double> v = board.relax();                             // RELX;  (free copy only)
// Not thread-safe; one client per board connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <memory>

#include "drivers/client/scpi_client.hpp"

namespace spiceloop::client {

// One step as the board reports it: node volts of every node (ground first), gates after it.
struct BoardReport {
  std::int64_t step = 0;
  std::vector<double> free_volts, clamped_volts, gate_volts;
};

struct BoardReadback {
  double eta = 0, alpha = 0;
  int steps = 0;
  std::vector<double> inputs, targets, gates;
};

class BoardClient {
 public:
  // ASRL<path>::INSTR opens the serial device at 115200 baud; anything else is a TCPIP socket
  // resource (AddressError otherwise). options.timeout applies to each line read.
  explicit BoardClient(std::string_view visa_address, ClientOptions options = {});
  BoardClient(BoardClient&&) noexcept;
  BoardClient& operator=(BoardClient&&) noexcept;
  ~BoardClient();

  void set_eta(double eta);
  void set_alpha(double alpha);
  void set_steps(int steps);
  void set_inputs(const std::vector<double>& volts);
  void set_targets(const std::vector<double>& volts);
  void set_gates(const std::vector<double>& volts);
  BoardReport measure();
  std::vector<BoardReport> run();
  std::vector<double> relax();
  BoardReadback read();
  void reset();  // RST;
  std::string last_error();  // ERR;

  const std::string& address() const;
  std::uint64_t round_trips() const { return round_trips_; }

 private:
  void expect_ack(std::string_view message, std::string_view name);
  std::string line(std::string_view message);
  [[noreturn]] void refused(std::string_view message, const std::string& answer);
  [[noreturn]] void malformed(std::string_view message, const std::string& answer, std::string_view why);
  std::vector<double> array(std::string_view message, const std::string& answer, std::string_view name);
  std::vector<BoardReport> reports(std::string_view message);
  void set_array(std::string_view name, const std::vector<double>& volts);

  struct Link;
  std::unique_ptr<Link> link_;
  std::uint64_t round_trips_ = 0;
};

}  // namespace spiceloop::client
