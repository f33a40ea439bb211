// The emulated lab table: one network, the settings every instrument shares (source setpoints,
// output states and current limits, the SMU's source, digipot codes), and a Simulator& that solves
// it. Every stand-in holds the same Bench, so what one sets the others measure. The behaviour of
// each device has its own file beside this one: regulator.hpp (CV/CC of source channels and SMU),
// smu.hpp, digipot_board.hpp (pulses, believed vs true wipers), learning_clock.hpp (the twin
// learning clock), realism.hpp (the knobs every reading passes through).
//
// Source channels: a channel's setpoint starts at 0 V with its output OFF (an N6700 after *RST).
// A channel on a network output is a clamp: ON holds the output at its setpoint (the Clamped
// phase; every clamp channel must then be ON, or a solve fails with bench.partial_clamp), OFF lets
// the output float (the Free phase). An input channel that is OFF holds its input node at 0 V (a
// shorted, not a floating, output: the network stays solvable whatever is switched off, and the
// real lab boards tie unused inputs to ground); source_current() then reports the current that
// 0 V hold sinks. Network inputs that no source channel drives stay at the volts the network file
// gives them.
//
// Regulation (regulator.hpp), at every solve: each ON input channel has a current limit, +inf until
// set (the Source stand-in sets its own at construction, on CURR and *RST); one whose load would
// draw more than its limit goes into constant current, its voltage moving off the setpoint (down
// for a positive current, up for a negative one) until it delivers exactly sign(I) * limit. The
// SMU, when ON, regulates on the same mechanism with its own source and compliance (smu.hpp; by
// default a plain voltage source). Out of scope, and ideal: clamp channels (on network outputs)
// and OFF outputs (their 0 V hold). reset_sources() keeps the limits.
//
// Solves are lazy: the last (regulated) State is cached and re-solved only after a setting changed;
// solve_count() counts every solve, the regulator's included.
// Readings (measure_*, source_current, smu_current) pass through the realism knobs (realism.hpp);
// truth() never does. With every knob off a reading is the exact solve.
// Units: volts, amperes (source_current is the current the source delivers INTO its node).
// A channel the bench lacks is a caller's mistake: std::out_of_range. Simulation failures propagate
// as SimulationError. Not thread-safe: the server runs one command at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "emulator/bench/bench_config.hpp"
#include "emulator/bench/realism.hpp"
#include "emulator/bench/regulator.hpp"
#include "emulator/bench/smu.hpp"
#include "emulator/core/random.hpp"
#include "emulator/sim/simulator.hpp"
#include "emulator/sim/state.hpp"

namespace spiceloop {

class Bench {
 public:
  // Loads config.network into sim; sim must outlive the Bench and not be used by anyone else.
  Bench(BenchConfig config, Simulator& sim);

  const BenchConfig& config() const { return config_; }
  const Network& network() const { return config_.network; }

  int source_channel_count() const { return static_cast<int>(config_.source.size()); }
  bool has_source_channel(int channel) const { return channel >= 1 && channel <= source_channel_count(); }
  // Throws std::invalid_argument for a non-finite value or one beyond network_limits::kMaxAbsVolts.
  void set_source_volts(int channel, double volts);
  double source_volts(int channel) const;  // the setpoint, whether the output is on or not
  int source_node(int channel) const;      // the input (or clamped output) node the channel drives
  bool is_clamp_channel(int channel) const;
  void set_output(int channel, bool on);
  bool output(int channel) const;
  // The current the channel's source delivers into its input node (solves if needed).
  double source_current(int channel);
  // The current limit (amps >= 0, +inf allowed; std::invalid_argument otherwise). See above.
  void set_source_current_limit(int channel, double amps);
  double source_current_limit(int channel) const;
  // True when the channel is in constant current (CC) in the present state (solves if needed).
  bool source_in_compliance(int channel);
  // The voltage the channel outputs, exact (no realism knobs): the setpoint in CV, the regulated
  // voltage in CC, 0 V when an input channel is OFF; a clamp channel's node voltage.
  double source_output_volts(int channel);
  // Setpoints 0 V and every output OFF (source channels and SMU), as at power-on.
  void reset_sources();

  // The SMU (Keithley 2400 style) on one input node, if the bench has one. Every SMU call throws
  // std::logic_error without an SMU; set_smu_source std::invalid_argument as check_smu_source.
  bool has_smu() const { return config_.smu.has_value(); }
  int smu_node() const;
  void set_smu_source(const SmuSource& source);
  const SmuSource& smu_source() const { return smu_source_; }
  void set_smu_volts(double volts);  // the voltage level alone
  void set_smu_output(bool on);
  bool smu_output() const { return smu_on_; }
  // The voltage the SMU outputs, exact (no realism knobs): the level, or where its compliance or
  // its current source regulates it; 0 V when OFF (solves if needed).
  double smu_volts();
  double smu_current();  // the current the SMU delivers into its node (a reading)
  bool smu_in_compliance();  // a compliance holds the output now (smu_tripped; solves if needed)

  const ScannerChannel* find_scanner_channel(int channel) const;
  const DigipotChannel* find_digipot_channel(int channel) const;
  double measure_scanner_volts(int channel);  // V(plus) - V(minus)
  // The channel's last reading, as the scanner's display shows it (none before its first).
  std::optional<double> last_scanner_volts(int channel) const;
  // Digipot codes in 0..taps-1 of the edge; throws std::invalid_argument outside.
  void set_digipot_code(int channel, int code);
  int digipot_code(int channel) const;  // the true wiper position
  // Sends `steps` pulses to the true wiper (negative: down; pulsed_code in digipot_board.hpp, with
  // this bench's realism and generator). Returns the taps the wiper actually moved.
  int step_digipot(int channel, int steps);
  int digipot_taps(int channel) const;

  // Rewrites edge values in place (resistor siemens, digipot codes) for devices that own the
  // edges, such as the learning clock. Digipot siemens follow their codes afterwards.
  void update_edges(const std::function<void(std::vector<Edge>&)>& edit);
  // The conductances the simulator holds: the network's, with each digipot's drawn tolerance.
  std::vector<double> true_conductances() const;
  // One uncached solve at the given conductances (then restored) and drive; for twin networks
  // whose copies differ. Counts in solve_count().
  State solve_with(std::span<const double> siemens, const Drive& drive);

  // Realism knobs (realism.hpp): replacing them redraws tolerances and restarts the generator.
  const Realism& realism() const { return config_.realism; }
  void set_realism(const Realism& realism);
  void reseed(std::uint64_t seed);
  double gaussian() { return rng_.gaussian(); }
  double uniform() { return rng_.uniform01(); }

  double measure_node_volts(int node);
  double measure_node_volts(const std::string& node_name);  // std::out_of_range for an unknown name

  // The hidden truth: the solved Free-phase state of the network as it stands now.
  const State& truth();
  // The drive the present settings give: Free, or Clamped when the clamp channels are ON. Inputs
  // are at the setpoints, so in CC this is not the drive truth() solved: see regulated_drive().
  Drive drive() const;
  // The drive truth() solved: drive() with each CC channel's input at its regulated voltage.
  const Drive& regulated_drive();
  std::uint64_t solve_count() const { return solves_; }

 private:
  const SourceChannel& source(int channel) const;
  const DigipotChannel& digipot(int channel) const;
  void changed();
  void push_conductances();
  void sync_conductances();
  void draw_tolerances();
  double read_volts(double exact, double before);
  double read_amps(double exact);
  double settled(double exact, double before) const;
  State solve_counted(const Drive& d);
  void regulate();

  BenchConfig config_;
  Simulator& sim_;
  std::vector<double> volts_;  // per source channel - 1
  std::vector<bool> on_;
  std::vector<double> limit_;  // per source channel - 1, amps
  SmuSource smu_source_;
  bool smu_on_ = false;
  std::optional<State> state_;
  Drive regulated_;               // the drive state_ was solved at
  std::vector<Regulation> mode_;  // per source channel - 1, for state_
  Regulation smu_mode_ = Regulation::CV;
  std::optional<State> before_;  // the state before the last change (settling)
  std::chrono::steady_clock::time_point changed_at_{};
  std::chrono::steady_clock::time_point epoch_{};  // drift starts here
  std::vector<double> r_ab_factor_;  // per edge: 1 + tolerance z for digipots, 1 otherwise
  SplitMixRng rng_{1};
  bool conductances_stale_ = true;  // the simulator's conductances lag the network's
  std::uint64_t solves_ = 0;
  std::map<int, double> scanner_shown_;  // per scanner channel: its last reading
};

}  // namespace spiceloop
