// What a network may contain, and how a violation is reported. Everything here throws
// spiceloop::InputError with a stable id "network.<what>" and a location: a JSON pointer into the
// document ("/edges/3/ohms"), prefixed by "<file>#" when the document came from a file.
//
// Two layers share these rules. The JSON loader and the generators read documents through
// JsonObject (emulator/core/json_reader.hpp), which checks keys, types and each value at its own
// pointer; validate_network then checks the assembled Network as a whole (names, references, boundary, connectivity, sizes). Both
// run on every network, loaded or generated, before anything is simulated: ngspice silently turns
// R = 0 into 1 mOhm and 1e400 ohm into an open circuit, so nothing doubtful may reach it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/json_reader.hpp"
#include "emulator/network/network.hpp"

namespace spiceloop {

// Sane ranges. Values outside them are almost surely unit mistakes, and are where SPICE starts to
// misbehave numerically.
namespace network_limits {
inline constexpr double kMinOhms = 1e-3;
inline constexpr double kMaxOhms = 1e12;
inline constexpr double kMinSiemens = 1e-12;  // 1 / kMaxOhms
inline constexpr double kMaxSiemens = 1e3;    // 1 / kMinOhms
// Bounds of a trainable resistor that names none: 1 Ohm .. 1 GOhm.
inline constexpr double kDefaultMinSiemens = 1e-9;
inline constexpr double kDefaultMaxSiemens = 1.0;
inline constexpr int kMinTaps = 2;
inline constexpr int kMaxTaps = 1024;
inline constexpr double kMinIsAmps = 1e-20;
inline constexpr double kMaxIsAmps = 1e-3;
inline constexpr double kMinEmission = 0.5;
inline constexpr double kMaxEmission = 10.0;
inline constexpr double kMaxAbsVolts = 1e3;
// Transistor edges: the lab's NMOS (Dillavou et al., PNAS 2024; netlists/README.md) by default.
inline constexpr double kDefaultKAmpsPerVolt2 = 8.5e-4;
inline constexpr double kDefaultThresholdVolts = 0.62;
inline constexpr double kDefaultLambdaPerVolt = 0.02;
inline constexpr double kDefaultMinGateVolts = 0.75;
inline constexpr double kDefaultMaxGateVolts = 8.0;
inline constexpr double kMinKAmpsPerVolt2 = 1e-9;
inline constexpr double kMaxKAmpsPerVolt2 = 10.0;
inline constexpr double kMaxAbsThresholdVolts = 10.0;
inline constexpr double kMaxLambdaPerVolt = 1.0;
inline constexpr double kMaxAbsGateVolts = 100.0;
// Memristor edges (memristor.hpp).
inline constexpr double kMaxStepNoise = 10.0;
inline constexpr double kMaxSpread = 1.0;
inline constexpr double kMinGamma = 0.01;
inline constexpr double kMaxGamma = 100.0;
inline constexpr double kMaxDriftNu = 1.0;
inline constexpr double kMinSeconds = 1e-12;
inline constexpr double kMaxSeconds = 1e12;
inline constexpr double kMinReadVolts = 1e-2;  // below it sinh(V / V0) overflows at lab voltages
inline constexpr double kMaxReadVolts = 1e2;
inline constexpr std::size_t kMaxNodes = 1'000'000;
inline constexpr std::size_t kMaxEdges = 1'000'000;
inline constexpr std::size_t kMaxNameLength = 64;
}  // namespace network_limits

// [A-Za-z_][A-Za-z0-9_]{0,63}: names end up in SPICE text, where anything else could be a command.
bool is_identifier(std::string_view name);

// The ids of network documents (and generator specs): "network.<what>".
inline const DocumentKind kNetworkDocument{.prefix = "network"};

// The format version: "spiceloop": 1 (network.missing_version when required and absent,
// network.unsupported_version for anything else).
void check_format_version(const JsonObject& top, bool required);

// Value checks shared by loader, generators and validate_network. `what` names the quantity in
// the message ("resistance", "is_amps").
void check_ohms(double ohms, const std::string& where, std::string_view what);
void check_siemens(double siemens, const std::string& where, std::string_view what);
void check_in_range(double value, double lo, double hi, const std::string& where,
                    std::string_view what, std::string_view unit);
void check_volts(double volts, const std::string& where);
void check_name(std::string_view name, const std::string& where, std::string_view what);
void check_taps(std::int64_t taps, const std::string& where);
void check_code(std::int64_t code, std::int64_t taps, const std::string& where);
// A transistor's K: positive ("not_positive" names the edge's key), then in range.
void check_transistor_k(double k_amps_per_volt2, const std::string& where);
// A gate voltage inside its bounds ("outside_bounds"), the bounds ordered ("bounds_inverted").
void check_gate(double gate_volts, double min_volts, double max_volts, const std::string& where_gate,
                const std::string& where_bounds);

// A memristor's parameters (its conductance and bounds are checked as a resistor's): each in range,
// "not_positive" for a non-positive step, "negative" for a negative noise, spread, rate or drift,
// "out_of_range" otherwise. where(key) locates a key of the edge.
void check_memristor(const Edge& e, const std::function<std::string(std::string_view)>& where);

// Where each part of a Network was written, as JSON pointers (without origin). Empty vectors mean
// the layout network_to_json writes: node 0 at "/ground", node i at "/nodes/i", edge j at
// "/edges/j", input i at "/inputs/i", output o at "/outputs/o".
struct NetworkLocations {
  JsonOrigin origin;
  std::vector<std::string> nodes, edges, inputs, outputs;

  std::string node(int i) const;
  std::string edge(int j) const;
  std::string input(int i) const;
  std::string output(int o) const;
};

// Whole-network checks: sizes; names (identifiers, unique even up to case, since SPICE is
// case-insensitive); edges (nodes in range, no self loop, values in range, bounds ordered and
// containing the value, a digipot's conductance equal to its code's); at least one input; inputs
// and outputs off the ground, unique and disjoint; every node with a DC path to ground through
// edges. Outputs may be empty: a network can be solved without them, and learning code requires
// them itself.
void validate_network(const Network& net);
void validate_network(const Network& net, const NetworkLocations& where);

}  // namespace spiceloop
