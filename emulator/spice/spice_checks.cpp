#include "emulator/spice/spice_checks.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <set>
#include <string>

#include "emulator/core/error.hpp"
#include "emulator/core/numbers.hpp"

namespace spiceloop {

namespace {

constexpr const char* kIdentifierRule = "use a plain identifier: [A-Za-z_][A-Za-z0-9_]{0,63}";

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool positive_finite(double x) { return std::isfinite(x) && x > 0.0; }

// A resistance ngspice will take literally: positive, finite, and so is its conductance.
bool usable_siemens(double k) { return positive_finite(k) && std::isfinite(1.0 / k); }

void require_names(const Network& net) {
  // The network name goes into the deck's title line; a newline there would start a deck line.
  if (net.name.size() > 200)
    throw InputError("spice.bad_name", "network name", "at most 200 characters");
  for (unsigned char c : net.name)
    if (c < 0x20 || c > 0x7e)
      throw InputError("spice.bad_name", "network name", "only printable ASCII characters are allowed");
  std::set<std::string> seen;
  for (int v = 1; v < net.node_count(); ++v) {
    const std::string& n = net.node_names[v];
    if (!is_plain_identifier(n)) throw InputError("spice.bad_name", "node '" + n + "'", kIdentifierRule);
    if (!seen.insert(lower(n)).second)
      throw InputError("spice.bad_name", "node '" + n + "'", "node names must differ in more than case");
  }
  seen.clear();
  for (const Edge& e : net.edges) {
    if (!is_plain_identifier(e.name)) throw InputError("spice.bad_name", "edge '" + e.name + "'", kIdentifierRule);
    if (!seen.insert(lower(e.name)).second)
      throw InputError("spice.bad_name", "edge '" + e.name + "'", "edge names must differ in more than case");
  }
}

// Node indices, the boundary and diode values are Simulator's checks (drive.network).
void require_edge_values(const Network& net) {
  for (const Edge& e : net.edges) {
    const std::string where = "edge '" + e.name + "'";
    if (e.a == e.b) throw InputError("spice.bad_network", where, "endpoints must be two different nodes");
    switch (e.kind) {
      case ElementKind::Resistor:
      case ElementKind::Memristor:
        if (e.memristor.read_volts < 0.0 || !std::isfinite(e.memristor.read_volts))
          throw InputError("spice.bad_value", where, "a memristor's read_volts must be finite and >= 0");
        if (!usable_siemens(e.siemens))
          throw InputError("spice.bad_value", where, "conductance must be positive and finite, got " + format_double(e.siemens));
        break;
      case ElementKind::Digipot:
        if (e.taps < 1 || e.code < 0 || e.code >= e.taps || !positive_finite(e.r_ab_ohms) ||
            !(std::isfinite(e.r_wiper_ohms) && e.r_wiper_ohms >= 0.0) || !positive_finite(digipot_ohms(e, e.code)))
          throw InputError("spice.bad_value", where, "digipot needs taps >= 1, 0 <= code < taps, r_ab > 0, r_wiper >= 0 and a positive resistance");
        break;
      case ElementKind::Diode: break;
      case ElementKind::Transistor:
        if (!std::isfinite(e.gate_volts) || !positive_finite(e.k_amps_per_volt2) || !std::isfinite(e.threshold_volts) ||
            !(std::isfinite(e.lambda_per_volt) && e.lambda_per_volt >= 0.0))
          throw InputError("spice.bad_value", where, "transistor needs a finite gate voltage, K > 0, a finite V_T and lambda >= 0");
        break;
    }
  }
}

}  // namespace

bool is_plain_identifier(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  if (!(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

void check_network_for_spice(const Network& net) {
  if (net.node_count() < 2) throw InputError("spice.bad_network", "nodes", "a network needs ground and at least one node");
  if (net.node_count() > kMaxSpiceNodes)
    throw InputError("spice.too_large", "nodes",
                     fmt::format("{} nodes, more than ngspice is given ({} at most): its sparse ordering grows about as "
                                 "nodes^2.5 on a wired crossbar (one op measured 0.09 s at 2,049 nodes, 2.7 s at "
                                 "8,193), so {} nodes would take about {:.0f} s, past the worker's 60 s reply "
                                 "timeout; use the ideal backend (--backend ideal), which solves it in milliseconds",
                                 net.node_count(), kMaxSpiceNodes, net.node_count(),
                                 2.7 * std::pow(net.node_count() / 8193.0, 2.46)));
  require_names(net);
  require_edge_values(net);
}

void check_conductances_for_spice(const Network& net, std::span<const double> siemens) {
  for (size_t j = 0; j < siemens.size(); ++j)
    if (net.edges[j].kind == ElementKind::Transistor && !std::isfinite(siemens[j]))
      throw InputError("spice.bad_value", "edge '" + net.edges[j].name + "'",
                       "gate voltage must be finite, got " + format_double(siemens[j]));
    else if (net.edges[j].has_siemens() && !usable_siemens(siemens[j]))
      throw InputError("spice.bad_value", "edge '" + net.edges[j].name + "'",
                       "conductance must be positive and finite, got " + format_double(siemens[j]));
}

}  // namespace spiceloop
