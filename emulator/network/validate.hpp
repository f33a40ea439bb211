// What a network may contain, and how a violation is reported. Everything here throws
// spiceloop::InputError with a stable id "network.<what>" and a location: a JSON pointer into the
// document ("/edges/3/ohms"), prefixed by "<file>#" when the document came from a file.
//
// Two layers share these rules. The JSON loader and the generators read documents through
// JsonObject, which checks keys, types and each value at its own pointer; validate_network then
// checks the assembled Network as a whole (names, references, boundary, connectivity, sizes). Both
// run on every network, loaded or generated, before anything is simulated: ngspice silently turns
// R = 0 into 1 mOhm and 1e400 ohm into an open circuit, so nothing doubtful may reach it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

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
inline constexpr std::size_t kMaxNodes = 1'000'000;
inline constexpr std::size_t kMaxEdges = 1'000'000;
inline constexpr std::size_t kMaxNameLength = 64;
inline constexpr int kMaxJsonDepth = 16;                       // nested arrays/objects
inline constexpr std::uintmax_t kMaxFileBytes = 256ull << 20;  // 256 MiB
}  // namespace network_limits

// [A-Za-z_][A-Za-z0-9_]{0,63}: names end up in SPICE text, where anything else could be a command.
bool is_identifier(std::string_view name);

// Where a document came from: the file (or "") and the pointer of the document inside it (an
// experiment file may embed a network at "/network").
struct JsonOrigin {
  std::string source;
  std::string base_pointer;
  std::string where(std::string_view pointer) const;  // "<source>#<base><pointer>" or "<base><pointer>"
};

std::string pointer_append(std::string_view pointer, std::string_view key);  // escapes ~ and /
std::string pointer_append(std::string_view pointer, std::size_t index);
std::string json_quote(std::string_view text);  // JSON-escaped and quoted, safe to print
// The candidate a misspelt word most likely meant (case-insensitive edit distance), "" if none is close.
std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates);

// Strict reader of one JSON object. The constructor throws network.wrong_type if j is not an
// object; allow_only throws network.unknown_key (suggesting the closest known key); the getters
// throw network.missing_key, network.wrong_type and network.not_finite at the key's pointer.
class JsonObject {
 public:
  JsonObject(const nlohmann::json& j, const JsonOrigin& origin, std::string pointer, std::string what);

  void allow_only(const std::vector<std::string_view>& known) const;

  bool has(std::string_view key) const;
  const nlohmann::json& at(std::string_view key) const;  // required
  const nlohmann::json* find(std::string_view key) const;

  double number(std::string_view key) const;  // finite
  std::optional<double> optional_number(std::string_view key) const;
  std::int64_t integer(std::string_view key) const;  // a JSON integer (no '.' or exponent)
  std::optional<std::int64_t> optional_integer(std::string_view key) const;
  std::string string(std::string_view key) const;
  std::optional<std::string> optional_string(std::string_view key) const;
  bool boolean(std::string_view key, bool fallback) const;
  const nlohmann::json& array(std::string_view key) const;  // required, an array

  const nlohmann::json& object() const { return j_; }
  const JsonOrigin& origin() const { return origin_; }
  const std::string& pointer() const { return pointer_; }
  std::string pointer(std::string_view key) const { return pointer_append(pointer_, key); }
  std::string where(std::string_view key) const { return origin_.where(pointer(key)); }
  std::string where() const { return origin_.where(pointer_); }
  const std::string& what() const { return what_; }

  [[noreturn]] void fail(const std::string& id, std::string_view key, const std::string& message) const;

 private:
  const nlohmann::json& j_;
  JsonOrigin origin_;
  std::string pointer_;
  std::string what_;  // "edge", "network", ... for messages
};

// The format version: "spiceloop": 1 (network.missing_version when required and absent,
// network.unsupported_version for anything else).
void check_format_version(const JsonObject& top, bool required);

// Type checks of a bare JSON value (an array element, say).
double json_number(const nlohmann::json& v, const std::string& where, std::string_view what);
std::int64_t json_integer(const nlohmann::json& v, const std::string& where, std::string_view what);
std::string json_string(const nlohmann::json& v, const std::string& where, std::string_view what);

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
