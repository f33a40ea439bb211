// The one check of what a Simulator is handed, shared by every backend (Simulator's public calls
// run it before the backend sees anything). Failures are InputError with one id set:
//   drive.network       load(): a network no backend can solve (node index out of range, an input
//                       or output on the ground or repeated, a non-finite or negative value, a
//                       diode without a positive is_amps and emission)
//   drive.not_loaded    set_conductances() or a solve before load()
//   drive.wrong_phase   a twin drive to solve()/solve_batch(), another phase to solve_twin()
//   drive.size          a list of the wrong length (input_volts, clamp_volts, nudge_amps,
//                       twin_targets: one per network input or output; conductances: one per edge)
//   drive.not_finite    a NaN or infinite value
//   drive.out_of_range  twin_eta outside (0, 1]; a negative conductance
// The per-edge values of set_conductances are conductances (S) of resistors and digipots and gate
// voltages (V) of transistors (Network::conductances); a diode's entry is unread.
// The location names the field ("drive.clamp_volts[1]", "conductances", "edges[3] 'r3'").
// Backends add only what is theirs (ngspice: names and values SPICE would change; HIL: what the
// bench can set), under their own ids.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "emulator/network/network.hpp"

namespace spiceloop {

struct Drive;
enum class Phase;

// What the checks need of the loaded network: its sizes, and edge names for the locations.
struct NetworkShape {
  std::size_t inputs = 0;
  std::size_t outputs = 0;
  std::vector<std::string> edge_names;
  std::vector<char> linear;  // per edge: a conductance (resistor, digipot, memristor; a diode's entry is unread)
  std::vector<char> transistor;  // per edge: its entry is a gate voltage (any finite volts)

  static NetworkShape of(const Network& net);
};

void check_network(const Network& net);
void check_conductances(const NetworkShape& shape, std::span<const double> siemens);
// Copies siemens into out (same size) while checking them by check_conductances' rules, in one pass;
// false when a value fails (out is then partly written): check_conductances names it.
bool copy_if_fine(const NetworkShape& shape, std::span<const double> siemens, std::span<double> out);
// twin_call: the drive came through solve_twin (which takes only twin drives; the others only
// the other phases).
void check_drive(const NetworkShape& shape, const Drive& drive, bool twin_call);
[[noreturn]] void throw_not_loaded();

}  // namespace spiceloop
