#include "emulator/netlist/transient_deck.hpp"

#include <cctype>
#include <cmath>

#include "emulator/core/error.hpp"
#include "emulator/core/numbers.hpp"
#include "emulator/netlist/deck.hpp"

namespace spiceloop {

namespace {

std::string num(double v) { return format_double(v); }

// "pwl(t v t v ...)" over continuation lines, each well under ngspice's 1024 bytes.
std::string pwl_text(const Waveform& w) {
  if (w.times.size() <= 1) return "dc " + num(w.values.empty() ? 0.0 : w.values[0]);
  std::string s = "pwl(";
  for (size_t i = 0; i < w.times.size(); ++i) {
    if (i % 8 == 0) s += "\n+";
    s += ' ' + num(w.times[i]) + ' ' + num(w.values[i]);
  }
  return s + " )";
}

Waveform scaled(Waveform w, double factor) {
  for (double& v : w.values) v *= factor;
  return w;
}

void check(const Network& net, const TransientCircuit& c) {
  const size_t m = static_cast<size_t>(net.edge_count());
  if (c.inputs.size() != net.inputs.size() || c.targets.size() != net.outputs.size() || c.learn_rate.size() != m ||
      c.siemens_per_volt.size() != m || c.initial_volts.size() != m ||
      (!c.bias_amps.empty() && c.bias_amps.size() != m) ||
      (!c.clamped_siemens_per_volt.empty() && c.clamped_siemens_per_volt.size() != m))
    throw InputError("netlist.transient_size", "transient",
                     "a transient circuit needs one waveform per input and output and one value per edge");
  for (const auto* set : {&c.inputs, &c.targets})
    for (const Waveform& w : *set)
      if (w.times.size() != w.values.size() || w.values.empty())
        throw InputError("netlist.transient_size", "transient", "a waveform needs as many times as values, at least one");
  if (c.noise_amps_per_root_siemens > 0.0 && !(c.noise_seconds > 0.0 && c.noise_seed >= 1))
    throw InputError("netlist.transient_noise", "transient", "noise needs a timestep > 0 and a seed >= 1");
}

}  // namespace

bool is_learned(const TransientCircuit& c, int edge) { return c.learn_rate[edge] != 0.0; }

std::string spice_window_source() { return "vwin"; }
std::string spice_learning_source(const Network& net, int edge) { return "bl_" + net.edges[edge].name; }

std::string spice_noise_lines(const Network& net, const TransientCircuit& c) {
  if (!(c.noise_amps_per_root_siemens > 0.0)) return "";
  // trrandom (type 2: Gaussian, held for its timestep), not trnoise: ngspice 39 draws trnoise from a
  // Wallace pool seeded by the process id at start-up, which no seed option reaches; trrandom draws
  // from the generator `.options seed` sets (both measured: tests/dynamics/noise_test.cpp).
  std::string s = "* Johnson noise: a unit Gaussian per edge and copy, scaled by sqrt(G) across the edge\n";
  s += ".options seed=" + std::to_string(c.noise_seed) + '\n';
  for (int j = 0; j < net.edge_count(); ++j) {
    const Edge& e = net.edges[j];
    if (e.kind != ElementKind::Resistor) continue;
    const std::string g = is_learned(c, j)
                              ? "sqrt(abs(" + num(c.siemens_per_volt[j]) + "*v(" + spice_gate_node(net, j) + ")))"
                              : num(std::sqrt(e.siemens));
    for (int copy = 0; copy < 2; ++copy) {
      const std::string tag = std::string(copy == 0 ? "f_" : "c_") + e.name;
      s += "vnz" + tag + " nz" + tag + " 0 trrandom(2 " + num(c.noise_seconds) + " 0 1 0)\n";
      s += "bnz" + tag + ' ' + spice_node(net, e.a, copy) + ' ' + spice_node(net, e.b, copy) +
           " i=" + num(c.noise_amps_per_root_siemens) + '*' + g + "*v(nz" + tag + ")\n";
    }
  }
  return s;
}

std::string transient_command(const TransientCircuit& c) {
  // tstep is only the output grid of a `print`; the data callback sees every accepted timepoint.
  return "tran " + num(c.max_step_seconds) + ' ' + num(c.stop_seconds) + " 0 " + num(c.max_step_seconds);
}

std::vector<std::string> transient_vectors(const Network& net, const TransientCircuit& c) {
  std::vector<std::string> v;
  for (int j = 0; j < net.edge_count(); ++j)
    if (is_learned(c, j)) v.push_back("v(" + spice_gate_node(net, j) + ")");
  for (int o : net.outputs) {
    v.push_back("v(" + spice_node(net, o, 0) + ")");
    v.push_back("v(" + spice_node(net, o, 1) + ")");
  }
  return v;
}

std::string build_transient_deck(const Network& net, const TransientCircuit& c, const std::string& results_file) {
  check(net, c);
  DeckOptions o;
  o.tolerances = c.tolerances;
  o.end_line = false;
  for (const Waveform& w : c.inputs) o.input_waveforms.push_back(pwl_text(w));
  for (const Waveform& w : c.targets) o.target_waveforms.push_back(pwl_text(scaled(w, c.eta)));
  o.learned_siemens_per_volt.assign(net.edge_count(), 0.0);
  for (int j = 0; j < net.edge_count(); ++j)
    if (is_learned(c, j)) o.learned_siemens_per_volt[j] = c.siemens_per_volt[j];
  if (!c.clamped_siemens_per_volt.empty()) o.clamped_learned_siemens_per_volt = c.clamped_siemens_per_volt;
  Drive d;
  d.phase = Phase::Twin;
  d.twin_eta = c.eta;
  d.twin_targets.assign(net.outputs.size(), 0.0);  // the target sources are the waveforms above
  std::string deck = build_deck(net, d, o);
  deck += "* the learning machine in time: node capacitances, learning window, parameter capacitors\n";
  for (int v = 1; v < net.node_count(); ++v)
    for (int copy = 0; copy < 2; ++copy)
      deck += (copy == 0 ? "cn_" : "cc_") + net.node_names[v] + ' ' + spice_node(net, v, copy) + " 0 " +
              num(c.node_farads) + '\n';
  deck += spice_window_source() + " win 0 pulse(0 1 " + num(c.window_delay_seconds) + ' ' + num(c.window_edge_seconds) +
          ' ' + num(c.window_edge_seconds) + ' ' + num(c.window_top_seconds) + ' ' + num(c.window_period_seconds) + ")\n";
  std::string ic = ".ic";
  for (int j = 0; j < net.edge_count(); ++j) {
    if (!is_learned(c, j)) continue;
    const Edge& e = net.edges[j];
    const std::string g = spice_gate_node(net, j);
    const std::string fa = spice_node(net, e.a, 0), fb = spice_node(net, e.b, 0);
    const std::string ca = spice_node(net, e.a, 1), cb = spice_node(net, e.b, 1);
    deck += "cl_" + e.name + ' ' + g + " 0 " + num(c.learning_farads) + '\n';
    // A B current source drives its current from its first node through itself into its second.
    deck += spice_learning_source(net, j) + " 0 " + g + " i=" + num(c.learning_farads * c.learn_rate[j]) +
            "*v(win)*((v(" + fa + ")-v(" + fb + "))^2-(v(" + ca + ")-v(" + cb + "))^2)\n";
    if (!c.bias_amps.empty() && c.bias_amps[j] != 0.0)  // the imperfect machine's bias into the capacitor
      deck += "ib_" + e.name + " 0 " + g + " dc " + num(c.bias_amps[j]) + '\n';
    const std::string item = " v(" + g + ")=" + num(c.initial_volts[j]);
    if (ic.size() + item.size() > 200) {
      deck += ic + '\n';
      ic = ".ic";
    }
    ic += item;
  }
  if (ic != ".ic") deck += ic + '\n';
  deck += spice_noise_lines(net, c);
  if (!results_file.empty()) {
    // Checked like every name: the deck carries no text but validated names and numbers.
    for (char ch : results_file)
      if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.' || ch == '-'))
        throw InputError("netlist.bad_name", "results_file", "a results file name is letters, digits, '_', '.', '-'");
    deck += ".control\nset wr_singlescale\nset wr_vecnames\noption numdgt=15\n" + transient_command(c) + "\nwrdata " +
            results_file;
    for (const std::string& v : transient_vectors(net, c)) deck += ' ' + v;
    deck += "\nquit 0\n.endc\n";
  }
  deck += ".end\n";
  return deck;
}

}  // namespace spiceloop
