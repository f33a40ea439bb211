#include "emulator/netlist/deck.hpp"

#include <cctype>
#include <string>

#include "emulator/core/error.hpp"
#include "emulator/core/numbers.hpp"

namespace spiceloop {

namespace {

std::string num(double v) { return format_double(v); }

void require_size(const std::vector<double>& v, size_t n, const char* field, Phase p) {
  if (v.size() != n)
    throw InputError("netlist.drive_size", std::string("drive.") + field,
                     std::string("the ") + phase_name(p) + " phase needs " + std::to_string(n) +
                         " values (one per output), got " + std::to_string(v.size()));
}

double input_volts(const Network& net, const Drive& d, size_t i) {
  return d.input_volts.empty() ? net.inputs[i].volts : d.input_volts[i];
}

bool learned(const DeckOptions& o, int edge) {
  return !o.learned_siemens_per_volt.empty() && o.learned_siemens_per_volt[edge] > 0.0;
}

// The network itself (edges and input sources) for one copy.
void write_copy(std::string& deck, const Network& net, const Drive& d, const DeckOptions& o, int copy) {
  for (int j = 0; j < net.edge_count(); ++j) {
    const Edge& e = net.edges[j];
    if (learned(o, j) && e.kind != ElementKind::Transistor) {
      const std::string a = spice_node(net, e.a, copy), b = spice_node(net, e.b, copy);
      const bool own = copy == 1 && !o.clamped_learned_siemens_per_volt.empty();
      const double per_volt = own ? o.clamped_learned_siemens_per_volt[j] : o.learned_siemens_per_volt[j];
      deck += spice_learned_element(net, j, copy) + ' ' + a + ' ' + b + " i=" + num(per_volt) +
              "*v(" + spice_gate_node(net, j) + ")*(v(" + a + ")-v(" + b + "))\n";
      continue;
    }
    if (e.kind == ElementKind::Transistor) {
      // W = L (both 100 um, the ngspice default), so beta = KP exactly.
      deck += spice_element(net, j, copy) + ' ' + spice_node(net, e.a, copy) + ' ' + spice_gate_node(net, j) + ' ' +
              spice_node(net, e.b, copy) + " 0 " + spice_transistor_model(net, j) + " w=100u l=100u\n";
      continue;
    }
    if (e.kind == ElementKind::Memristor && !e.is_linear()) {
      const std::string v0 = num(e.memristor.read_volts);
      deck += spice_element(net, j, copy) + ' ' + spice_node(net, e.a, copy) + ' ' + spice_node(net, e.b, copy) +
              " i=v(" + spice_gate_node(net, j) + ")*" + v0 + "*sinh((v(" + spice_node(net, e.a, copy) + ")-v(" +
              spice_node(net, e.b, copy) + "))/" + v0 + ")\n";
      continue;
    }
    deck += spice_element(net, j, copy) + ' ' + spice_node(net, e.a, copy) + ' ' +
            spice_node(net, e.b, copy) + ' ';
    deck += e.kind == ElementKind::Diode ? spice_diode_model(net, j) : num(deck_ohms(e));
    deck += '\n';
  }
  for (size_t i = 0; i < net.inputs.size(); ++i)
    deck += spice_input_source(static_cast<int>(i), copy) + ' ' + spice_node(net, net.inputs[i].node, copy) + " 0 " +
            (o.input_waveforms.empty() ? "dc " + num(input_volts(net, d, i)) : o.input_waveforms[i]) + '\n';
}

// Defence in depth: the loader already validated names, but a Network can be built in code, and a
// name is the one piece of text that reaches ngspice.
bool plain_identifier(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  if (!(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

void require_plain_names(const Network& net) {
  for (int v = 1; v < net.node_count(); ++v)
    if (!plain_identifier(net.node_names[v]))
      throw InputError("netlist.bad_name", "node " + std::to_string(v),
                       "node name is not a plain identifier ([A-Za-z_][A-Za-z0-9_]{0,63})");
  for (const Edge& e : net.edges)
    if (!plain_identifier(e.name))
      throw InputError("netlist.bad_name", "edge", "edge name is not a plain identifier ([A-Za-z_][A-Za-z0-9_]{0,63})");
}

}  // namespace

std::string spice_node(const Network& net, int node, int copy) {
  if (node == 0) return "0";
  return (copy == 0 ? "n_" : "c_") + net.node_names[node];
}

std::string spice_element(const Network& net, int edge, int copy) {
  const Edge& e = net.edges[edge];
  switch (e.kind) {
    case ElementKind::Diode: return (copy == 0 ? "d_" : "dc_") + e.name;
    case ElementKind::Transistor: return (copy == 0 ? "m_" : "mc_") + e.name;
    case ElementKind::Memristor:
      if (!e.is_linear()) return (copy == 0 ? "b_" : "bc_") + e.name;
      return (copy == 0 ? "r_" : "rc_") + e.name;
    default: return (copy == 0 ? "r_" : "rc_") + e.name;
  }
}

std::string spice_gate_node(const Network& net, int edge) { return "g_" + net.edges[edge].name; }
std::string spice_gate_source(const Network& net, int edge) { return "vg_" + net.edges[edge].name; }
std::string spice_transistor_model(const Network& net, int edge) { return "mm_" + net.edges[edge].name; }

std::string spice_transistor_model_card(const Network& net, int edge) {
  const Edge& e = net.edges[edge];
  return ".model " + spice_transistor_model(net, edge) + " nmos(level=1 kp=" + num(e.k_amps_per_volt2) +
         " vto=" + num(e.threshold_volts) + " lambda=" + num(e.lambda_per_volt) + " gamma=0 is=0)";
}

std::string spice_learned_element(const Network& net, int edge, int copy) {
  return (copy == 0 ? "b_" : "bc_") + net.edges[edge].name;
}

std::string spice_input_source(int input, int copy) {
  return (copy == 0 ? "vin" : "vcin") + std::to_string(input);
}

std::string spice_clamp_source(int output) { return "vclamp" + std::to_string(output); }
std::string spice_nudge_source(int output) { return "inudge" + std::to_string(output); }
std::string spice_diode_model(const Network& net, int edge) { return "dm_" + net.edges[edge].name; }
std::string spice_twin_gain_source(int output) { return "eclamp" + std::to_string(output); }
std::string spice_twin_target_source(int output) { return "vtarget" + std::to_string(output); }

bool has_control_source(const Edge& e) {
  return e.kind == ElementKind::Transistor || (e.kind == ElementKind::Memristor && !e.is_linear());
}

double control_source_value(const Edge& e) { return e.kind == ElementKind::Transistor ? e.gate_volts : e.siemens; }

double deck_ohms(const Edge& e) {
  if (e.kind == ElementKind::Digipot) return digipot_ohms(e, e.code);
  return 1.0 / e.siemens;
}

std::string build_deck(const Network& net, const Drive& d, const DeckOptions& options) {
  const size_t n_out = net.outputs.size();
  require_plain_names(net);
  if (!d.input_volts.empty() && d.input_volts.size() != net.inputs.size())
    throw InputError("netlist.drive_size", "drive.input_volts",
                     "expected " + std::to_string(net.inputs.size()) + " values (one per input), got " +
                         std::to_string(d.input_volts.size()));
  std::string deck = "* spiceloop " + std::string(phase_name(d.phase)) + " phase of network '" +
                     net.name + "'\n";
  deck += "* nodes n_<name> (free copy)";
  deck += d.phase == Phase::Twin ? ", c_<name> (clamped copy)\n" : "\n";

  write_copy(deck, net, d, options, 0);
  for (int j = 0; j < net.edge_count(); ++j)
    if (has_control_source(net.edges[j]) && !learned(options, j))
      deck += spice_gate_source(net, j) + ' ' + spice_gate_node(net, j) + " 0 dc " +
              num(control_source_value(net.edges[j])) + '\n';
  switch (d.phase) {
    case Phase::Free:
    case Phase::Nudged:
      // Free and nudged share one circuit: the nudge sources are 0 A in the free phase.
      if (d.phase == Phase::Nudged) require_size(d.nudge_amps, n_out, "nudge_amps", d.phase);
      for (size_t o = 0; o < n_out; ++o) {
        const double amps = d.phase == Phase::Nudged ? d.nudge_amps[o] : 0.0;
        // A SPICE current source drives current from its first node through itself to its second.
        deck += spice_nudge_source(static_cast<int>(o)) + " 0 " + spice_node(net, net.outputs[o]) +
                " dc " + num(amps) + '\n';
      }
      break;
    case Phase::Clamped:
      require_size(d.clamp_volts, n_out, "clamp_volts", d.phase);
      for (size_t o = 0; o < n_out; ++o)
        deck += spice_clamp_source(static_cast<int>(o)) + ' ' + spice_node(net, net.outputs[o]) +
                " 0 dc " + num(d.clamp_volts[o]) + '\n';
      break;
    case Phase::Twin: {
      require_size(d.twin_targets, n_out, "twin_targets", d.phase);
      if (!(d.twin_eta > 0.0 && d.twin_eta <= 1.0))
        throw InputError("netlist.bad_eta", "drive.twin_eta", "eta must be in (0, 1], got " + num(d.twin_eta));
      write_copy(deck, net, d, options, 1);
      // Clamped copy output = (1 - eta) * free output + eta * target: a VCVS in series with a DC source.
      for (size_t o = 0; o < n_out; ++o) {
        const std::string id = std::to_string(o);
        deck += spice_twin_gain_source(static_cast<int>(o)) + ' ' + spice_node(net, net.outputs[o], 1) + " m_clamp" + id + ' ' +
                spice_node(net, net.outputs[o], 0) + " 0 " + num(1.0 - d.twin_eta) + '\n';
        deck += spice_twin_target_source(static_cast<int>(o)) + " m_clamp" + id + " 0 " +
                (options.target_waveforms.empty() ? "dc " + num(d.twin_eta * d.twin_targets[o]) : options.target_waveforms[o]) +
                '\n';
      }
      break;
    }
  }
  for (int j = 0; j < net.edge_count(); ++j) {
    const Edge& e = net.edges[j];
    if (e.kind == ElementKind::Diode)
      deck += ".model " + spice_diode_model(net, j) + " d(is=" + num(e.is_amps) + " n=" + num(e.emission) + ")\n";
    if (e.kind == ElementKind::Transistor) deck += spice_transistor_model_card(net, j) + '\n';
  }
  const SolverOptions& t = options.tolerances;
  // At gmin 0 ngspice's gmin stepping retries "gmin = 0" forever on a deck that does not
  // converge (ngspice 39, measured): gminsteps=0 turns it off, so such a deck fails at once.
  deck += ".options reltol=" + num(t.reltol) + " abstol=" + num(t.abstol_amps) + " vntol=" +
          num(t.vntol_volts) + " gmin=" + num(t.gmin_siemens) + (t.gmin_siemens == 0.0 ? " gminsteps=0" : "") + '\n';
  if (options.print_results) {
    // A control block rather than .op/.print: `ngspice -b` then prints only the voltages (16
    // significant digits, as `spiceloop solve` does), without .print's warnings or the device dump
    // batch mode adds to a bare .op; `quit 0` ends it before batch mode looks for .print lines.
    deck += ".control\nset numdgt=15\nop\n";
    const int copies = d.phase == Phase::Twin ? 2 : 1;
    for (int c = 0; c < copies; ++c)
      for (int v = 1; v < net.node_count(); ++v) deck += "print v(" + spice_node(net, v, c) + ")\n";
    deck += "quit 0\n.endc\n";
  }
  if (options.end_line) deck += ".end\n";
  return deck;
}

}  // namespace spiceloop
