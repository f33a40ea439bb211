// The network: nodes, edges and boundary, in memory. Node 0 is always the ground (0 V).
// Units: siemens, ohms, volts, amperes. Edge j = (a, b) has voltage drop dV_j = V_a - V_b and
// current a -> b. A diode edge conducts from anode a to cathode b. A transistor edge is an NMOS
// channel between a and b whose gate voltage is its learned value (transistor.hpp). A memristor
// edge is a conductance moved by programming pulses (memristor.hpp); it reads as a linear resistor
// unless read_volts > 0 gives it a sinh-type I-V.
// Loading and validation live in load.hpp; generators in generators.hpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace spiceloop {

enum class ElementKind { Resistor, Digipot, Diode, Transistor, Memristor };
// The word a network file uses for the kind: "resistor", "digipot", "diode", "transistor", "memristor".
const char* element_kind_name(ElementKind kind);

// How a memristor's conductance answers a programming pulse (memristor.hpp has the equations).
enum class PulseModel { ConstantStep, SoftBounds, PowerStep };
const char* pulse_model_name(PulseModel model);  // "constant_step", "soft_bounds", "power_step"

// A memristor's parameters as the network file gives them: the nominal device. Each device of a
// run is drawn from them with the relative spread (memristor.hpp).
struct MemristorParams {
  PulseModel model = PulseModel::ConstantStep;
  double step_siemens = 0.0;     // dw_min: the nominal step of one pulse (S)
  double up_down = 0.0;          // asymmetry in (-1, 1): steps up (1 + up_down), down (1 - up_down)
  double step_noise = 0.0;       // cycle-to-cycle: relative std of each pulse's step
  double spread = 0.0;           // device-to-device: relative std of every parameter
  double gamma = 1.0;            // power_step exponent
  double stuck_on_rate = 0.0;    // fraction of devices stuck at their upper bound
  double stuck_off_rate = 0.0;   // fraction of devices stuck at their lower bound
  double drift_nu = 0.0;         // drift exponent: G(t) = G_prog (t / t0)^-nu for t > t0
  double drift_t0_seconds = 1.0;
  double seconds_per_update = 1.0;  // the drift clock: time between two programming rounds
  double read_volts = 0.0;       // sinh read: I = G V0 sinh(V / V0); 0 is a linear read

  bool operator==(const MemristorParams&) const = default;
};

struct Edge {
  std::string name;  // plain identifier, unique among edges
  int a = 0;         // node index (anode for a diode)
  int b = 0;         // node index (cathode for a diode)
  ElementKind kind = ElementKind::Resistor;
  bool trainable = false;

  // Resistor and digipot: the present conductance and its bounds (the learning rule clips to them).
  // For a digipot, siemens always equals digipot_siemens(code) and the bounds are its end codes.
  double siemens = 0.0;
  double min_siemens = 0.0;
  double max_siemens = 0.0;

  // Digital potentiometer (kind Digipot): R = r_ab_ohms * code / taps + r_wiper_ohms.
  int taps = 0;
  double r_ab_ohms = 0.0;
  double r_wiper_ohms = 0.0;
  int code = 0;

  // Diode (kind Diode): I = is_amps * (exp(V / (emission * V_T)) - 1).
  double is_amps = 0.0;
  double emission = 1.0;

  // Transistor (kind Transistor, law in transistor.hpp): the gate voltage is the learned value,
  // clipped to [min_gate_volts, max_gate_volts]. Defaults are the lab's (netlists/README.md).
  double gate_volts = 0.0;
  double min_gate_volts = 0.0;
  double max_gate_volts = 0.0;
  double k_amps_per_volt2 = 0.0;  // K = KP W / L
  double threshold_volts = 0.0;   // V_T (ngspice VTO)
  double lambda_per_volt = 0.0;   // channel-length modulation

  // Memristor (kind Memristor): siemens is its conductance (the small-signal one for a sinh
  // read), min_siemens/max_siemens its nominal range.
  MemristorParams memristor;
  // A memristor's drift state: the conductance its last programming left and the time since.
  // siemens = programmed_siemens drifted by seconds_since_programmed (memristor.hpp).
  double programmed_siemens = 0.0;
  double seconds_since_programmed = 0.0;

  bool is_linear() const {
    return kind == ElementKind::Resistor || kind == ElementKind::Digipot ||
           (kind == ElementKind::Memristor && memristor.read_volts == 0.0);
  }
  // Whether the learned value is a conductance (resistor, digipot, memristor).
  bool has_siemens() const {
    return kind == ElementKind::Resistor || kind == ElementKind::Digipot || kind == ElementKind::Memristor;
  }
  // Whether the edge has a value a learning rule can set: a conductance or a gate voltage.
  bool has_value() const { return kind != ElementKind::Diode; }
  // That value: siemens for a resistor, digipot or memristor, gate volts for a transistor, 0 for a diode.
  double value() const {
    return kind == ElementKind::Transistor ? gate_volts : kind == ElementKind::Diode ? 0.0 : siemens;
  }
};

struct Input {
  int node = 0;        // held by an ideal voltage source to ground
  double volts = 0.0;  // default value; a Drive may override it per solve
};

struct Network {
  std::string name;
  std::vector<std::string> node_names;  // node_names[0] is the ground
  std::vector<Edge> edges;
  std::vector<Input> inputs;
  std::vector<int> outputs;  // node indices, float in the free state

  int node_count() const { return static_cast<int>(node_names.size()); }
  int edge_count() const { return static_cast<int>(edges.size()); }
  std::optional<int> find_node(const std::string& name) const;
  std::optional<int> find_edge(const std::string& name) const;
  bool is_linear() const;

  // The value of every edge (Edge::value: siemens, or gate volts for transistors; 0 for diodes),
  // in edge order. The name is historical: every backend's set_conductances takes this vector.
  std::vector<double> conductances() const;
  // Sets resistor, memristor and digipot conductances and transistor gate voltages (diode entries ignored).
  // Digipots snap to the nearest code, so the stored conductance is always one the device can take.
  void set_conductances(const std::vector<double>& siemens);
};

// Digipot resistance-to-code law, shared by everything that models the device.
double digipot_ohms(const Edge& e, int code);
double digipot_siemens(const Edge& e, int code);
int digipot_nearest_code(const Edge& e, double siemens);

// Thermal voltage kT/q for diodes at 27 C (300.15 K), with the constants ngspice 39 uses
// (k = 1.38064852e-23 J/K, q = 1.6021766208e-19 C), so both backends share one diode law.
inline constexpr double kThermalVolts = 1.38064852e-23 / 1.6021766208e-19 * 300.15;

}  // namespace spiceloop
