#include "emulator/network/network.hpp"

#include <algorithm>
#include <cmath>

namespace spiceloop {

const char* element_kind_name(ElementKind kind) {
  switch (kind) {
    case ElementKind::Resistor: return "resistor";
    case ElementKind::Digipot: return "digipot";
    case ElementKind::Diode: return "diode";
    case ElementKind::Transistor: return "transistor";
    case ElementKind::Memristor: return "memristor";
  }
  return "?";
}

const char* pulse_model_name(PulseModel model) {
  switch (model) {
    case PulseModel::ConstantStep: return "constant_step";
    case PulseModel::SoftBounds: return "soft_bounds";
    case PulseModel::PowerStep: return "power_step";
  }
  return "?";
}

std::optional<int> Network::find_node(const std::string& n) const {
  for (int i = 0; i < node_count(); ++i)
    if (node_names[i] == n) return i;
  return std::nullopt;
}

std::optional<int> Network::find_edge(const std::string& n) const {
  for (int i = 0; i < edge_count(); ++i)
    if (edges[i].name == n) return i;
  return std::nullopt;
}

bool Network::is_linear() const {
  return std::all_of(edges.begin(), edges.end(), [](const Edge& e) { return e.is_linear(); });
}

std::vector<double> Network::conductances() const {
  std::vector<double> k(edges.size(), 0.0);
  for (size_t j = 0; j < edges.size(); ++j) k[j] = edges[j].value();
  return k;
}

void Network::set_conductances(const std::vector<double>& siemens) {
  for (size_t j = 0; j < edges.size() && j < siemens.size(); ++j) {
    Edge& e = edges[j];
    if (e.kind == ElementKind::Resistor) {
      e.siemens = siemens[j];
    } else if (e.kind == ElementKind::Memristor) {  // as if programmed to it just now
      e.siemens = e.programmed_siemens = siemens[j];
      e.seconds_since_programmed = 0.0;
    } else if (e.kind == ElementKind::Digipot) {
      e.code = digipot_nearest_code(e, siemens[j]);
      e.siemens = digipot_siemens(e, e.code);
    } else if (e.kind == ElementKind::Transistor) {
      e.gate_volts = siemens[j];
    }
  }
}

double digipot_ohms(const Edge& e, int code) {
  return e.r_ab_ohms * static_cast<double>(code) / static_cast<double>(e.taps) + e.r_wiper_ohms;
}

double digipot_siemens(const Edge& e, int code) { return 1.0 / digipot_ohms(e, code); }

int digipot_nearest_code(const Edge& e, double siemens) {
  // Codes run 0..taps-1 (AD5220: 0..127); resistance is affine in code, so round in resistance.
  const double ohms = 1.0 / siemens;
  const double c = std::round((ohms - e.r_wiper_ohms) * e.taps / e.r_ab_ohms);
  if (std::isnan(c)) return e.code;  // a NaN request moves nothing (casting NaN to int is undefined)
  return static_cast<int>(std::clamp(c, 0.0, static_cast<double>(e.taps - 1)));
}

}  // namespace spiceloop
