// The ngspice backend of Simulator: circuit-level solves by libngspice 39, in a supervised worker
// process (worker_client.hpp), never in this one.
//
// Contract beyond Simulator's: the worker starts lazily (at the first solve) and is restarted
// transparently: if it dies (crash, kill, controlled exit, timeout), that call throws
// SimulationError "spice.worker_crashed" / "spice.worker_timeout" carrying ngspice's lines, and the
// next call starts a fresh worker and reloads the last network and conductances. Every answer is
// judged twice: by the worker from ngspice's output ("spice.solve_failed") and here by physics
// (physics_check.hpp, "spice.physics_check"). Inputs are checked before anything is sent
// (spice_checks.hpp, InputError), so no text from a network can reach ngspice as a command.
// Free and nudged solves share one circuit; clamped and twin have their own, each in its own
// worker process (started when first needed), so alternating phases, as every CL step does,
// never reloads a deck: each worker alters only the elements changed since its last solve, and
// new conductances go to every running worker at once, each altering its circuit in parallel.
// reset_history() makes each worker reload its circuit, with the present values, at its next solve:
// a new transient whose matrix ordering and starting point depend on nothing earlier.
// Not thread-safe; one per thread (each has its own worker, so several run in parallel).
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "emulator/sim/simulator.hpp"
#include "emulator/spice/protocol.hpp"
#include "emulator/spice/worker_client.hpp"

namespace spiceloop {

class NgspiceSimulator final : public Simulator {
 public:
  struct Counters {
    std::uint64_t solves = 0;           // phases solved (a twin solve counts once)
    std::uint64_t circuit_loads = 0;    // decks loaded into ngspice (each after remcirc + destroy all)
    std::uint64_t alters = 0;           // element values altered in a loaded circuit
    std::uint64_t stepped_solves = 0;   // answered by stepping a halted transient (no re-order)
    std::uint64_t worker_starts = 0;    // worker processes started
    std::uint64_t worker_restarts = 0;  // of which replaced a dead one
  };

  explicit NgspiceSimulator(SolverOptions options = {}, WorkerOptions worker = {});
  ~NgspiceSimulator() override = default;  // the client quits and reaps the worker

  std::string name() const override { return "ngspice"; }

  const SolverOptions& options() const { return options_; }
  Counters counters() const;

  // Test hooks: the worker's pid (-1 when none runs), and an injected failure.
  // The worker is the one that answered last (the free/nudged one before any solve).
  pid_t worker_pid() const { return lanes_[last_lane_].client.pid(); }
  void inject_fault(protocol::WorkerFault fault);

 protected:
  void do_load(const Network& net) override;
  void do_set_conductances(std::span<const double> siemens) override;
  void do_reset_history() override;  // every worker reloads its circuit at its next solve
  State do_solve(const Drive& drive) override;
  TwinState do_solve_twin(const Drive& drive) override;
  std::vector<State> do_solve_batch(std::span<const Drive> drives) override;  // one round trip

 private:
  // One worker and what it has been sent, per circuit kind (protocol::CircuitKind).
  struct Lane {
    WorkerClient client;
    bool network_sent = false;       // the running worker has net_ (topology and values)
    bool conductances_sent = false;  // and net_'s present conductances
  };
  static constexpr size_t kLanes = 3;

  Lane& lane_for(Phase p);
  std::vector<protocol::Frame> exchange(Lane& lane, std::vector<protocol::Frame> requests);
  void count(const protocol::SolveResult& r);
  State checked_state(const Drive& drive, const std::vector<double>& volts, bool twin_clamped_copy);

  SolverOptions options_;
  std::array<Lane, kLanes> lanes_;
  size_t last_lane_ = 0;
  std::optional<Network> net_;
  Counters counters_;
};

}  // namespace spiceloop
