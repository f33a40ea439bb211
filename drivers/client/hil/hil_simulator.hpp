// The hardware-in-the-loop backend: a Simulator whose "solves" are instrument settings and one
// scanner reading, over SCPI sockets, so the trainer runs unchanged against the stand-ins of
// `spiceloop serve` or against the real bench at the same addresses (addresses.hpp).
//
// The bench file says which source channel drives (input) or clamps (output) which node, which
// scanner channel sees which node and which digipot channel is which edge.
//   load(net)            net must be the bench's network (nodes, edges a/b/kind, digipot laws, inputs,
//                        outputs); every non-ground node needs a single-ended scanner channel. The
//                        scan list is configured here, once; then every code of net is sent.
//   set_conductances     digipot edges with a channel: nearest code, only changed codes, one message.
//                        Any other edge must keep the bench's value (hil.unsettable_edge).
//   solve(Free)          input setpoints that changed, inputs ON, clamps OFF; one READ?.
//   solve(Clamped)       clamp setpoints, every clamp switched ON in one OUTP; one READ?.
//   solve_twin           free solve, then clamped at (1 - eta) V_out(free) + eta target.
//   program_pulses       memristor edges with a pulser channel: every nonzero count in one checked
//                        message (PulserClient::pulse, one round trip per step). Their
//                        set_conductances values are the trainer's belief, taken for the state's
//                        currents and never sent: the devices on the bench are the truth.
//                        hil.pulse_count when a count passes the bench's max_count.
// Per solve that changes anything at the source: one message per kind of setting, unchecked, then
// one SYST:ERR? -- that round trip is also what orders the source before the scanner (separate
// sockets have no order between them). Then the READ? as a REAL,64 block. Digipot codes go out
// as one checked message per set_conductances (one round trip).
// The backend remembers what it sent and sends only differences: nobody else may touch the
// source or digipot settings while it runs (reload to forget).
// Errors: what it is handed is checked first by Simulator (drive_checks.hpp, InputError drive.*);
// then InputError hil.network_mismatch, hil.unscanned_node, hil.undriven_input,
// hil.unsettable_edge, hil.unsupported_phase, hil.no_clamp, hil.drive (a twin clamp computed
// from a non-finite reading);
// SimulationError hil.instrument (a ClientError: connection, timeout, refused setting) and
// hil.scan (a reading of the wrong size).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "drivers/client/hil/addresses.hpp"
#include "emulator/bench/bench_config.hpp"
#include "emulator/sim/simulator.hpp"

namespace spiceloop::hil {

struct HilOptions {
  std::chrono::milliseconds timeout{5000};  // per instrument call (a slow real scan needs more)
};

// What went over the wires since construction, for tests and the README's measurements.
struct HilStats {
  std::uint64_t solves = 0;            // phases read (a twin solve counts two)
  std::uint64_t round_trips = 0;       // queries of any instrument (READ?, SYST:ERR?, checked settings)
  std::uint64_t source_messages = 0;   // setting messages sent to the source
  std::uint64_t volts_sent = 0;        // setpoints sent (channel-values)
  std::uint64_t code_messages = 0;     // DPOT:CODE messages
  std::uint64_t codes_sent = 0;        // codes sent (channel-values)
  std::uint64_t scan_configures = 0;   // CONF:VOLT:DC + ROUT:SCAN messages
  std::uint64_t pulse_messages = 0;    // PULS ... INIT messages (one per step that pulses)
  std::uint64_t pulses_sent = 0;       // pulses asked, summed over channels
};

class HilSimulator : public Simulator {
 public:
  // Reads the bench file and connects the instruments (SimulationError hil.instrument when one
  // does not answer).
  explicit HilSimulator(const HilAddresses& addresses, HilOptions options = {});
  explicit HilSimulator(const std::string& addresses_file, HilOptions options = {});
  ~HilSimulator() override;

  std::string name() const override { return "hil"; }

  const BenchConfig& bench() const;
  const HilStats& stats() const;
  // The codes last sent, per edge (-1: not a digipot with a channel, or none sent yet).
  const std::vector<int>& sent_codes() const;

 protected:
  void do_load(const Network& net) override;
  void do_set_conductances(std::span<const double> siemens) override;
  void do_program_pulses(std::span<const int> pulses) override;
  State do_solve(const Drive& drive) override;
  TwinState do_solve_twin(const Drive& drive) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace spiceloop::hil
