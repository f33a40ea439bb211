// The simulator interface every backend implements (ngspice in emulator/spice, Eigen in
// emulator/solver). Learning code holds a Simulator& and never names a backend.
//
// Phases (DOMAIN.md section 2):
//   Free     inputs held by their voltage sources, outputs floating.
//   Clamped  as Free, plus every output held by a voltage source at drive.clamp_volts.
//   Nudged   as Free, plus a fixed current drive.nudge_amps injected INTO each output node.
//   Twin     two copies in one circuit: the free copy, and a clamped copy whose outputs are held at
//            (1 - eta) * V_out(free copy) + eta * target by controlled sources (the lab's twin network).
// Not thread-safe: one Simulator per thread.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "emulator/network/network.hpp"
#include "emulator/sim/drive_checks.hpp"
#include "emulator/sim/state.hpp"

namespace spiceloop {

enum class Phase { Free, Clamped, Nudged, Twin };

const char* phase_name(Phase p);

struct Drive {
  Phase phase = Phase::Free;
  std::vector<double> input_volts;  // one per network input; empty = the network's own values
  std::vector<double> clamp_volts;  // Clamped: one per output
  std::vector<double> nudge_amps;   // Nudged: one per output, current into the node
  double twin_eta = 0.0;            // Twin: clamp factor in (0, 1]
  std::vector<double> twin_targets; // Twin: one per output
};

// Numerical settings. The ideal backend is exact for linear networks and uses newton_* for diodes;
// ngspice takes the SPICE options (defaults here are tighter than ngspice's own: see DOMAIN.md).
struct SolverOptions {
  double reltol = 1e-9;
  double abstol_amps = 1e-15;
  double vntol_volts = 1e-12;
  double gmin_siemens = 1e-12;  // ngspice adds gmin across every pn junction; the ideal solver only
                                // at transistor bodies, as ngspice (device_newton.hpp)
  int newton_max_iterations = 200;
  double kcl_tolerance = 1e-6;  // physics check: max |KCL residual| / max |edge current|
  // ngspice only: solve by stepping a halted transient one timepoint at a time, which keeps the
  // matrix ordering between solves (an `op` re-orders from scratch; see emulator/spice/README.md).
  // Results are bit-identical to `op` for networks without reactive elements; false forces `op`.
  bool reuse_ordering = true;
};

// The public calls are not virtual: each checks what it is handed once, with one id set for every
// backend (drive_checks.hpp), then calls the backend's do_* hook. A hook may assume a loaded
// network, a drive of the right phase and sizes, and finite values; it checks only what is its own.
class Simulator {
 public:
  virtual ~Simulator() = default;

  virtual std::string name() const = 0;

  // Takes the topology, element values and boundary of net. Throws InputError on a network the
  // backend cannot solve; the previous network, if any, stays loaded then.
  void load(const Network& net);

  // Sets every resistor and digipot conductance (siemens) and transistor gate voltage (volts), one
  // value per edge as Network::conductances lists them; diode entries ignored.
  void set_conductances(std::span<const double> siemens);

  // Memristor edges learn by programming pulses (learning/rules/update.hpp): pulses[j] is the
  // signed number of pulses edge j received this step (+ up, - down, 0 for every other edge). The
  // trainer sends it before the set_conductances that carries where it believes they went. A
  // backend whose devices are its own (hil: a crossbar on the bench) programs them with it; the
  // others take the conductances and ignore it. drive.size when pulses is not one per edge.
  void program_pulses(std::span<const int> pulses);

  // Solves one phase. Twin drives are answered by solve_twin; solve() throws for them.
  State solve(const Drive& drive);

  // Solves the free and clamped copies of the twin circuit.
  TwinState solve_twin(const Drive& drive);

  // Several drives at the same conductances (a batch of samples), every one checked before any
  // is solved. Backends may do this in one analysis; the default solves them one by one.
  std::vector<State> solve_batch(std::span<const Drive> drives);

  // Node voltages only, for loops that need nothing else: out.row(i) holds what
  // solve(drives[i]).node_volts would, after the same checks. Backends may skip what a State adds
  // (edge currents, source currents) and answer a batch in one analysis; the ideal one solves it
  // as one multi-right-hand-side solve without allocating.
  void solve_nodes(std::span<const Drive> drives, NodeVoltages& out);

  bool loaded() const { return shape_.has_value(); }

  // Drops what earlier solves left behind (ngspice: the halted transient, the matrix ordering it
  // chose, the solution Newton starts from), so that later results depend only on the loaded
  // network and conductances. Training calls it at every checkpoint so that a resumed run is
  // bit-identical to an uninterrupted one. Backends without such state do nothing.
  void reset_history();

 protected:
  virtual void do_reset_history() {}
  virtual void do_program_pulses(std::span<const int> /*pulses*/) {}
  virtual void do_load(const Network& net) = 0;
  virtual void do_set_conductances(std::span<const double> siemens) = 0;
  // A backend that keeps its own copy of the values may check them while it copies them (one pass,
  // not two: this runs at every training step): true when it took them (each passed
  // check_conductances' rules, e.g. by copy_if_fine), false to have them checked and handed to
  // do_set_conductances instead (also when a value failed: the backend then changed nothing).
  virtual bool do_set_checked_conductances(const NetworkShape& /*shape*/, std::span<const double> /*siemens*/) {
    return false;
  }
  virtual State do_solve(const Drive& drive) = 0;
  virtual TwinState do_solve_twin(const Drive& drive) = 0;
  virtual std::vector<State> do_solve_batch(std::span<const Drive> drives);
  virtual void do_solve_nodes(std::span<const Drive> drives, NodeVoltages& out);  // default: do_solve_batch

 private:
  const NetworkShape& shape() const;

  std::optional<NetworkShape> shape_;  // of the network last loaded
};

}  // namespace spiceloop
