// The worker's state: the network the parent sent, the one circuit ngspice has loaded for it, and
// the element values that circuit was last solved with.
//
// A solve reuses the loaded circuit while its kind (free/nudged, clamped, twin) is unchanged and
// alters only the elements whose value changed since its last solve (new conductances are altered
// into a loaded circuit as soon as they arrive); a new kind, network or set
// of options reloads it, always after `remcirc` and `destroy all` of the previous one (without
// them ngspice leaks and slows down). Every command text is built here and in alter_batch.cpp from
// constants, deck.hpp names and std::to_chars numbers; nothing the parent sends is ever passed on
// as text.
// Throws InputError for a malformed request and SimulationError when ngspice fails.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "emulator/network/network.hpp"
#include "emulator/sim/simulator.hpp"
#include "emulator/spice/protocol.hpp"
#include "emulator/spice/worker/alter_batch.hpp"
#include "emulator/spice/worker/engine.hpp"

namespace spiceloop::worker {

class Session {
 public:
  explicit Session(Engine& engine) : engine_(engine) {}

  void load_network(Network net);
  void set_conductances(const std::vector<double>& siemens);
  void set_options(const SolverOptions& options);
  void arm_fault(protocol::WorkerFault fault) { fault_ = fault; }
  protocol::SolveResult solve(const Drive& drive);
  // One transient of the whole learning machine (transient_deck.hpp) for the loaded network. The
  // circuit is removed afterwards; the next solve reloads its own.
  protocol::TransientResult transient(const TransientCircuit& circuit);

 private:
  // Every value a solve may alter, in the units ngspice takes.
  struct Values {
    std::vector<double> ohms;           // per edge; diode and transistor entries unused
    std::vector<double> gate_volts;     // per edge; transistor entries only
    std::vector<double> input_volts;    // per input
    std::vector<double> output_values;  // per output: clamp volts, nudge amps, or twin eta*target
    double twin_gain = 0.0;             // twin: 1 - eta
  };

  void check_request(const Drive& d) const;
  void remove_circuit();
  Values values_for(const Drive& d) const;
  void set_edge_values(Values& v) const;  // the elements' values (resistances, gate volts) from net_
  void reload(const Drive& d);
  std::uint32_t alter_changed(const Values& want);
  void map_vectors();
  void op_once(const Drive& d);
  bool step_once();
  int step_budget() const;
  void fire_armed_fault();
  [[noreturn]] void fail(const Drive& d, const std::string& message);

  Engine& engine_;
  std::optional<Network> net_;
  SolverOptions options_;
  std::optional<protocol::WorkerFault> fault_;

  bool circuit_present_ = false;  // something was handed to ngSpice_Circ (needs remcirc)
  bool circuit_valid_ = false;    // and it may be reused by the next solve
  protocol::CircuitKind kind_ = protocol::CircuitKind::FreeNudged;
  Values applied_;
  AlterTexts alter_texts_;  // the loaded circuit's "alter <element>=" texts
  std::vector<int> slot_of_vector_;  // ngspice vector index -> copy * nodes + node, or -1
  bool vectors_mapped_ = false;
  bool stepping_ = false;         // a halted transient of the loaded circuit awaits `step 1`
  bool stepping_broken_ = false;  // a step failed on this network: use op until the next load
  int steps_left_ = 0;
  std::uint32_t early_alters_ = 0;  // made by set_conductances, reported with the next solve
};

}  // namespace spiceloop::worker
