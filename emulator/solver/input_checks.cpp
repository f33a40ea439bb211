#include "emulator/solver/input_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "emulator/core/error.hpp"

namespace spiceloop {

namespace {

void check_values(const char* field, const std::vector<double>& values, size_t expected,
                  const char* per) {
  if (values.size() != expected)
    throw InputError("solver.drive", fmt::format("drive.{}", field),
                     fmt::format("expected {} value(s), one per network {}, got {}", expected, per,
                                 values.size()));
  for (size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i]))
      throw InputError("solver.drive", fmt::format("drive.{}[{}]", field, i),
                       fmt::format("value {} is not finite", values[i]));
}

}  // namespace

void check_network(const Network& net) {
  const int n = net.node_count();
  if (n < 1)
    throw InputError("solver.network", "node_names", "a network needs at least the ground node");
  auto in_range = [n](int v) { return v >= 0 && v < n; };
  for (int j = 0; j < net.edge_count(); ++j) {
    const Edge& e = net.edges[j];
    const std::string where = fmt::format("edges[{}] '{}'", j, e.name);
    if (!in_range(e.a) || !in_range(e.b))
      throw InputError(
          "solver.network", where,
          fmt::format("node index out of range 0..{} (a = {}, b = {})", n - 1, e.a, e.b));
    if (e.kind == ElementKind::Diode) {
      if (!(e.is_amps > 0.0 && std::isfinite(e.is_amps)) ||
          !(e.emission > 0.0 && std::isfinite(e.emission)))
        throw InputError("solver.network", where,
                         "a diode needs a finite positive is_amps and emission");
    } else if (!(e.siemens >= 0.0 && std::isfinite(e.siemens))) {
      throw InputError("solver.network", where,
                       fmt::format("conductance {} S must be finite and >= 0", e.siemens));
    }
  }
  std::vector<char> used(n, 0);
  for (size_t i = 0; i < net.inputs.size(); ++i) {
    const int v = net.inputs[i].node;
    const std::string where = fmt::format("inputs[{}]", i);
    if (!in_range(v) || v == 0)
      throw InputError("solver.network", where, "an input must be a node other than the ground");
    if (used[v])
      throw InputError("solver.network", where,
                       fmt::format("node '{}' is already an input", net.node_names[v]));
    if (!std::isfinite(net.inputs[i].volts))
      throw InputError("solver.network", where, "input voltage is not finite");
    used[v] = 1;
  }
  for (size_t o = 0; o < net.outputs.size(); ++o) {
    const int v = net.outputs[o];
    const std::string where = fmt::format("outputs[{}]", o);
    if (!in_range(v) || v == 0)
      throw InputError("solver.network", where, "an output must be a node other than the ground");
    if (used[v])
      throw InputError(
          "solver.network", where,
          fmt::format("node '{}' is already an input or an output", net.node_names[v]));
    used[v] = 1;
  }
}

void check_conductances(const Network& net, std::span<const double> siemens) {
  if (static_cast<int>(siemens.size()) != net.edge_count())
    throw InputError("solver.conductance", "conductances",
                     fmt::format("expected {} value(s), one per edge, got {}", net.edge_count(),
                                 siemens.size()));
  for (int j = 0; j < net.edge_count(); ++j)
    if (net.edges[j].is_linear() && !(siemens[j] >= 0.0 && std::isfinite(siemens[j])))
      throw InputError("solver.conductance", fmt::format("edges[{}] '{}'", j, net.edges[j].name),
                       fmt::format("conductance {} S must be finite and >= 0", siemens[j]));
}

void check_drive(const Network& net, const Drive& drive) {
  if (!drive.input_volts.empty())
    check_values("input_volts", drive.input_volts, net.inputs.size(), "input");
  switch (drive.phase) {
    case Phase::Free:
      break;
    case Phase::Clamped:
      check_values("clamp_volts", drive.clamp_volts, net.outputs.size(), "output");
      break;
    case Phase::Nudged:
      check_values("nudge_amps", drive.nudge_amps, net.outputs.size(), "output");
      break;
    case Phase::Twin:
      check_values("twin_targets", drive.twin_targets, net.outputs.size(), "output");
      if (!(drive.twin_eta > 0.0 && drive.twin_eta <= 1.0))
        throw InputError("solver.drive", "drive.twin_eta",
                         fmt::format("clamp factor {} must lie in (0, 1]", drive.twin_eta));
      break;
  }
}

}  // namespace spiceloop
