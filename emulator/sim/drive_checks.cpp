#include "emulator/sim/drive_checks.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "emulator/core/error.hpp"
#include "emulator/sim/simulator.hpp"

namespace spiceloop {

namespace {

constexpr double kHuge = std::numeric_limits<double>::max();

// Locations are formatted only on failure: these run before every solve.
void check_size(const char* where, std::size_t got, std::size_t expected, const char* per) {
  if (got != expected)
    throw InputError("drive.size", where,
                     fmt::format("expected {} value(s), one per {}, got {}", expected, per, got));
}

void check_values(const char* field, const std::vector<double>& values, std::size_t expected, const char* per) {
  if (values.size() != expected) check_size(fmt::format("drive.{}", field).c_str(), values.size(), expected, per);
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i]))
      throw InputError("drive.not_finite", fmt::format("drive.{}[{}]", field, i),
                       fmt::format("value {} is not finite", values[i]));
}

}  // namespace

NetworkShape NetworkShape::of(const Network& net) {
  NetworkShape s;
  s.inputs = net.inputs.size();
  s.outputs = net.outputs.size();
  s.edge_names.reserve(net.edges.size());
  s.linear.reserve(net.edges.size());
  for (const Edge& e : net.edges) {
    s.edge_names.push_back(e.name);
    s.linear.push_back(e.has_siemens() ? 1 : 0);
    s.transistor.push_back(e.kind == ElementKind::Transistor ? 1 : 0);
  }
  return s;
}

void check_network(const Network& net) {
  const int n = net.node_count();
  if (n < 1) throw InputError("drive.network", "node_names", "a network needs at least the ground node");
  auto in_range = [n](int v) { return v >= 0 && v < n; };
  for (int j = 0; j < net.edge_count(); ++j) {
    const Edge& e = net.edges[j];
    const std::string where = fmt::format("edges[{}] '{}'", j, e.name);
    if (!in_range(e.a) || !in_range(e.b))
      throw InputError("drive.network", where,
                       fmt::format("node index out of range 0..{} (a = {}, b = {})", n - 1, e.a, e.b));
    if (e.kind == ElementKind::Diode) {
      if (!(e.is_amps > 0.0 && std::isfinite(e.is_amps)) || !(e.emission > 0.0 && std::isfinite(e.emission)))
        throw InputError("drive.network", where, "a diode needs a finite positive is_amps and emission");
    } else if (e.kind == ElementKind::Transistor) {
      if (!(e.k_amps_per_volt2 > 0.0 && std::isfinite(e.k_amps_per_volt2)) || !std::isfinite(e.threshold_volts) ||
          !(e.lambda_per_volt >= 0.0 && std::isfinite(e.lambda_per_volt)) || !std::isfinite(e.gate_volts))
        throw InputError("drive.network", where,
                         "a transistor needs a finite positive K, finite threshold and gate voltages and lambda >= 0");
    } else if (!(e.siemens >= 0.0 && std::isfinite(e.siemens))) {
      throw InputError("drive.network", where, fmt::format("conductance {} S must be finite and >= 0", e.siemens));
    }
  }
  std::vector<char> used(n, 0);
  for (std::size_t i = 0; i < net.inputs.size(); ++i) {
    const int v = net.inputs[i].node;
    const std::string where = fmt::format("inputs[{}]", i);
    if (!in_range(v) || v == 0) throw InputError("drive.network", where, "an input must be a node other than the ground");
    if (used[v])
      throw InputError("drive.network", where, fmt::format("node '{}' is already an input", net.node_names[v]));
    if (!std::isfinite(net.inputs[i].volts)) throw InputError("drive.network", where, "input voltage is not finite");
    used[v] = 1;
  }
  for (std::size_t o = 0; o < net.outputs.size(); ++o) {
    const int v = net.outputs[o];
    const std::string where = fmt::format("outputs[{}]", o);
    if (!in_range(v) || v == 0) throw InputError("drive.network", where, "an output must be a node other than the ground");
    if (used[v])
      throw InputError("drive.network", where,
                       fmt::format("node '{}' is already an input or an output", net.node_names[v]));
    used[v] = 1;
  }
}

namespace {

// 1 when edge j's value passes: a linear edge's conductance lies in [0, kHuge] (NaN fails). Bitwise
// operators, not short-circuit ones, so that the loops below vectorise.
inline std::int64_t fine_value(char linear, double k) { return ((k >= 0.0) & (k <= kHuge)) | (linear == 0); }

// Whether every value passes; compiled for AVX-512, AVX2 and the baseline, as every training step
// checks every edge's new value here.
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
bool all_fine(const char* linear, const double* k, std::size_t n) {
  std::int64_t fine = 0;
  for (std::size_t j = 0; j < n; ++j) fine += fine_value(linear[j], k[j]);
  return fine == static_cast<std::int64_t>(n);
}

// The same while copying the values to out.
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
bool all_fine_copied(const char* linear, const double* k, double* out, std::size_t n) {
  std::int64_t fine = 0;
  for (std::size_t j = 0; j < n; ++j) {
    out[j] = k[j];
    fine += fine_value(linear[j], k[j]);
  }
  return fine == static_cast<std::int64_t>(n);
}

}  // namespace

bool copy_if_fine(const NetworkShape& shape, std::span<const double> siemens, std::span<double> out) {
  if (siemens.size() != shape.linear.size() || out.size() != siemens.size()) return false;
  return all_fine_copied(shape.linear.data(), siemens.data(), out.data(), siemens.size());
}

void check_conductances(const NetworkShape& shape, std::span<const double> siemens) {
  check_size("conductances", siemens.size(), shape.edge_names.size(), "edge");
  // One branch-free scan (every value finite and >= 0); the failing edge is looked up only then.
  if (all_fine(shape.linear.data(), siemens.data(), siemens.size())) return;
  for (std::size_t j = 0; j < siemens.size(); ++j) {
    const std::string where = fmt::format("edges[{}] '{}'", j, shape.edge_names[j]);
    if (shape.transistor[j] && !std::isfinite(siemens[j]))
      throw InputError("drive.not_finite", where, fmt::format("gate voltage {} V is not finite", siemens[j]));
    if (!shape.linear[j]) continue;
    if (!std::isfinite(siemens[j]))
      throw InputError("drive.not_finite", where, fmt::format("conductance {} S is not finite", siemens[j]));
    if (siemens[j] < 0.0)
      throw InputError("drive.out_of_range", where, fmt::format("conductance {} S must be >= 0", siemens[j]));
  }
}

void check_drive(const NetworkShape& shape, const Drive& drive, bool twin_call) {
  if (twin_call && drive.phase != Phase::Twin)
    throw InputError("drive.wrong_phase", "drive.phase",
                     fmt::format("solve_twin() takes a twin drive, not a {} one", phase_name(drive.phase)));
  if (!twin_call && drive.phase == Phase::Twin)
    throw InputError("drive.wrong_phase", "drive.phase", "twin drives are solved by solve_twin()");
  if (!drive.input_volts.empty()) check_values("input_volts", drive.input_volts, shape.inputs, "network input");
  switch (drive.phase) {
    case Phase::Free: break;
    case Phase::Clamped: check_values("clamp_volts", drive.clamp_volts, shape.outputs, "network output"); break;
    case Phase::Nudged: check_values("nudge_amps", drive.nudge_amps, shape.outputs, "network output"); break;
    case Phase::Twin:
      check_values("twin_targets", drive.twin_targets, shape.outputs, "network output");
      if (!(drive.twin_eta > 0.0 && drive.twin_eta <= 1.0))
        throw InputError("drive.out_of_range", "drive.twin_eta",
                         fmt::format("clamp factor {} must lie in (0, 1]", drive.twin_eta));
      break;
  }
}

void throw_not_loaded() {
  throw InputError("drive.not_loaded", "", "no network loaded: call load() first");
}

}  // namespace spiceloop
