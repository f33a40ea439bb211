// The emulated lab table: one network, the settings every instrument shares (source setpoints and
// output states, digipot codes), and a Simulator& that solves it. Every stand-in holds the same
// Bench, so what one sets the others measure.
//
// Source channels: a channel's setpoint starts at 0 V with its output OFF (an N6700 after *RST).
// An output that is OFF holds its input node at 0 V (a shorted, not a floating, output: the network
// stays solvable whatever is switched off, and the real lab boards tie unused inputs to ground);
// source_current() then reports the current that 0 V hold sinks. Network inputs that no source
// channel drives stay at the volts the network file gives them.
//
// Solves are lazy: the last Free-phase State is cached and re-solved only after a setting changed.
// Units: volts, amperes (source_current is the current the source delivers INTO its node).
// A channel the bench lacks is a caller's mistake: std::out_of_range. Simulation failures propagate
// as SimulationError. Not thread-safe: the server runs one command at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "emulator/bench/bench_config.hpp"
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
  int source_node(int channel) const;      // the input node the channel drives
  void set_output(int channel, bool on);
  bool output(int channel) const;
  // The current the channel's source delivers into its input node (solves if needed).
  double source_current(int channel);
  // Setpoints 0 V and every output OFF, as at power-on.
  void reset_sources();

  const ScannerChannel* find_scanner_channel(int channel) const;
  const DigipotChannel* find_digipot_channel(int channel) const;
  double measure_scanner_volts(int channel);  // V(plus) - V(minus)
  // Digipot codes in 0..taps of the edge; throws std::invalid_argument outside.
  void set_digipot_code(int channel, int code);
  int digipot_code(int channel) const;

  double measure_node_volts(int node);
  double measure_node_volts(const std::string& node_name);  // std::out_of_range for an unknown name

  // The hidden truth: the solved Free-phase state of the network as it stands now.
  const State& truth();
  // The drive the present settings give (one input volts per network input).
  Drive drive() const;
  std::uint64_t solve_count() const { return solves_; }

 private:
  const SourceChannel& source(int channel) const;
  const DigipotChannel& digipot(int channel) const;
  void changed() { state_.reset(); }

  BenchConfig config_;
  Simulator& sim_;
  std::vector<double> volts_;  // per source channel - 1
  std::vector<bool> on_;
  std::optional<State> state_;
  std::uint64_t solves_ = 0;
};

}  // namespace spiceloop
