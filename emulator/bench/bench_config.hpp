// The bench file: which network stands on the emulated lab table and which instrument channel sees
// which node or edge. Format (an example: netlists/benches/lab16.json):
//
//   {"spiceloop_bench": 1, "name": "lab16", "network": "../lab16.json",
//    "source":   [{"channel": 1, "node": "n1"}, ...],          channels 1..N, each a network input
//                                                               or output (a clamp: OFF floats it)
//    "scanner":  [{"channel": 101, "node": "n2"},               node to ground, or
//                 {"channel": 102, "plus": "n2", "minus": "n3"}, ...],  a node pair; channels 101..999
//    "digipots": [{"channel": 1, "edge": "e0"}, ...],          channels 1..999, each a digipot edge
//    "smu":      {"node": "n3"},                               one input no source channel drives
//    "pulser":   {"channels": [{"channel": 1, "edge": "m0"}, ...],  channels 1..999, each a
//                 "max_count": 100, "seed": 1},                 memristor edge (memristor_array.hpp)
//    "realism":  {"noise_volts": 1e-4, "seed": 7, ...}}        realism.hpp; all off when absent
//
// "network" is relative to the bench file's folder. "scanner", "digipots", "smu", "pulser",
// "realism" may be absent. A pulser's memristors may not drift (bench.memristor_drift): the
// emulated table has no clock that ages them as the trainer's steps do. Source channels on outputs must cover every output or none: the simulators clamp all
// outputs together, and the clamped phase needs each output held.
// Every failure is an InputError "bench.<what>" located by "<file>#<JSON pointer>"; errors inside
// the network file keep the network loader's "network.<what>" ids and locations.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "emulator/bench/realism.hpp"
#include "emulator/core/json_reader.hpp"
#include "emulator/network/network.hpp"

namespace spiceloop {

namespace bench_limits {
inline constexpr int kMaxSourceChannel = 99;
inline constexpr int kMinScannerChannel = 101;
inline constexpr int kMaxScannerChannel = 999;
inline constexpr int kMaxDigipotChannel = 999;
inline constexpr int kMaxPulserChannel = 999;
inline constexpr int kMaxPulseCount = 65535;  // pulses per channel per trigger
}  // namespace bench_limits

// A source channel drives a network input, or clamps a network output (OFF: the output floats).
struct SourceChannel {
  int channel = 0;
  int input = -1;   // index into Network::inputs, or -1
  int output = -1;  // index into Network::outputs, or -1
  bool is_clamp() const { return output >= 0; }
};

// The SMU sources a voltage on one network input (OFF holds it at 0 V, like a source channel).
struct SmuChannel {
  int input = 0;  // index into Network::inputs
};

// Reads V(plus) - V(minus); minus is node 0 (ground) for a single-ended channel.
struct ScannerChannel {
  int channel = 0;
  int plus = 0;
  int minus = 0;
};

struct DigipotChannel {
  int channel = 0;
  int edge = 0;  // index into Network::edges, always a digipot
};

// A pulse-generator channel routed (through its switch matrix) to one memristor edge.
struct PulserChannel {
  int channel = 0;
  int edge = 0;  // index into Network::edges, always a memristor
};

struct PulserConfig {
  std::vector<PulserChannel> channels;  // in file order
  int max_count = 100;                  // pulses per channel per trigger, 1..kMaxPulseCount
  std::uint64_t seed = 1;               // devices drawn as a run of this seed draws them (update.hpp)
};

struct BenchConfig {
  std::string name;
  std::string network_path;  // as resolved against the bench file's folder
  Network network;
  std::vector<SourceChannel> source;    // sorted by channel: source[i].channel == i + 1
  std::vector<ScannerChannel> scanner;  // in file order
  std::vector<DigipotChannel> digipots; // in file order
  std::optional<SmuChannel> smu;
  std::optional<PulserConfig> pulser;
  Realism realism;
};

// The ids of bench files: "bench.<what>".
inline const DocumentKind kBenchDocument{.prefix = "bench"};

// source names the document in error locations; base_dir is where a relative "network" path starts.
BenchConfig parse_bench(const nlohmann::json& doc, const std::string& source, const std::string& base_dir);
BenchConfig load_bench_file(const std::string& path);

}  // namespace spiceloop
