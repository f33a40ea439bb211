#include "emulator/spice/worker/session.hpp"

#include <unistd.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <unordered_map>

#include "emulator/core/error.hpp"
#include "emulator/core/numbers.hpp"
#include "emulator/netlist/deck.hpp"
#include "emulator/netlist/transient_deck.hpp"
#include "emulator/spice/worker/alter_batch.hpp"
#include "emulator/spice/worker/judge.hpp"

namespace spiceloop::worker {

namespace {

using protocol::CircuitKind;

// A deck as the lines ngSpice_Circ takes.
std::vector<std::string> deck_lines(const std::string& deck) {
  std::vector<std::string> lines;
  for (size_t start = 0; start < deck.size();) {
    size_t end = deck.find('\n', start);
    if (end == std::string::npos) end = deck.size();
    lines.push_back(deck.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool all_finite(const std::vector<double>& v) {
  for (double x : v)
    if (!std::isfinite(x)) return false;
  return true;
}

}  // namespace

void Session::load_network(Network net) {
  stepping_broken_ = false;
  for (const Edge& e : net.edges)
    if (e.is_linear() && !(std::isfinite(deck_ohms(e)) && deck_ohms(e) > 0.0))
      throw InputError(protocol::kBadRequest, "edge " + e.name, "resistance must be finite and positive");
  net_ = std::move(net);
  circuit_valid_ = false;
}

void Session::set_conductances(const std::vector<double>& siemens) {
  if (!net_) throw InputError(protocol::kBadRequest, "", "no network loaded");
  if (siemens.size() != net_->edges.size())
    throw InputError(protocol::kBadRequest, "conductances", "one value per edge expected");
  for (size_t j = 0; j < siemens.size(); ++j) {
    if (net_->edges[j].has_siemens() && !(std::isfinite(siemens[j]) && siemens[j] > 0.0 &&
                                        std::isfinite(1.0 / siemens[j])))
      throw InputError(protocol::kBadRequest, "edge " + net_->edges[j].name,
                       "conductance must be finite and positive");
    if (net_->edges[j].kind == ElementKind::Transistor && !std::isfinite(siemens[j]))
      throw InputError(protocol::kBadRequest, "edge " + net_->edges[j].name, "gate voltage must be finite");
  }
  net_->set_conductances(siemens);
  // Altered now, not at the next solve: the parent sends new conductances to every worker at once,
  // so the free and the clamped circuit change on two cores while it waits for neither.
  if (!circuit_valid_) return;
  engine_.begin_capture();
  Values want = applied_;
  set_edge_values(want);
  early_alters_ += alter_changed(want);
  applied_ = std::move(want);
  if (first_failure(engine_.captured())) circuit_valid_ = false;  // the next solve reloads
}

void Session::set_options(const SolverOptions& options) {
  options_ = options;
  circuit_valid_ = false;  // the tolerances live in the deck's .options line
}

// Not the drive's validation, which the parent's Simulator made (emulator/sim/drive_checks.hpp):
// an integrity check of what arrived over the pipe, so that no frame can index past a vector or
// put a non-number into an alter command.
void Session::check_request(const Drive& d) const {
  const size_t n_out = net_->outputs.size();
  const auto sized = [](const std::vector<double>& v, size_t n) { return v.size() == n && all_finite(v); };
  const bool ok = (d.input_volts.empty() || sized(d.input_volts, net_->inputs.size())) &&
                  (d.phase != Phase::Clamped || sized(d.clamp_volts, n_out)) &&
                  (d.phase != Phase::Nudged || sized(d.nudge_amps, n_out)) &&
                  (d.phase != Phase::Twin || (sized(d.twin_targets, n_out) && std::isfinite(d.twin_eta)));
  if (!ok) throw InputError(protocol::kBadRequest, "drive", "a drive of the wrong size or with a non-finite value");
}

void Session::set_edge_values(Values& v) const {
  const Network& net = *net_;
  v.ohms.resize(net.edges.size(), 0.0);
  v.gate_volts.resize(net.edges.size(), 0.0);
  for (size_t j = 0; j < net.edges.size(); ++j) {
    if (net.edges[j].is_linear()) v.ohms[j] = deck_ohms(net.edges[j]);
    if (has_control_source(net.edges[j])) v.gate_volts[j] = control_source_value(net.edges[j]);
  }
}

Session::Values Session::values_for(const Drive& d) const {
  const Network& net = *net_;
  Values v;
  set_edge_values(v);
  v.input_volts.resize(net.inputs.size());
  for (size_t i = 0; i < net.inputs.size(); ++i)
    v.input_volts[i] = d.input_volts.empty() ? net.inputs[i].volts : d.input_volts[i];
  v.output_values.assign(net.outputs.size(), 0.0);
  for (size_t o = 0; o < net.outputs.size(); ++o) {
    switch (d.phase) {
      case Phase::Free: break;
      case Phase::Nudged: v.output_values[o] = d.nudge_amps[o]; break;
      case Phase::Clamped: v.output_values[o] = d.clamp_volts[o]; break;
      case Phase::Twin: v.output_values[o] = d.twin_eta * d.twin_targets[o]; break;
    }
  }
  if (d.phase == Phase::Twin) v.twin_gain = 1.0 - d.twin_eta;
  return v;
}

void Session::remove_circuit() {
  if (circuit_present_) {
    engine_.command("remcirc");
    engine_.command("destroy all");
    engine_.clear_history();
    circuit_present_ = false;
  }
  circuit_valid_ = false;
  stepping_ = false;
  vectors_mapped_ = false;
}

void Session::reload(const Drive& d) {
  remove_circuit();
  // Lines captured from here on judge the new circuit, not the removal of the old one.
  engine_.begin_capture();
  DeckOptions deck_options;
  deck_options.tolerances = options_;
  const std::string deck = build_deck(*net_, d, deck_options);
  const std::vector<std::string> lines = deck_lines(deck);
  engine_.load_circuit(lines);
  engine_.clear_history();
  circuit_present_ = true;
  circuit_valid_ = true;
  stepping_ = false;
  kind_ = protocol::circuit_kind(d.phase);
  alter_texts_ = alter_texts(*net_, kind_);
  vectors_mapped_ = false;
}

std::uint32_t Session::alter_changed(const Values& want) {
  const Network& net = *net_;
  const AlterTexts& t = alter_texts_;
  const int copies = kind_ == CircuitKind::Twin ? 2 : 1;
  AlterBatch batch(engine_);
  for (int j = 0; j < net.edge_count(); ++j)
    if (net.edges[j].is_linear() && want.ohms[j] != applied_.ohms[j])
      for (int c = 0; c < copies; ++c) batch.add(t.edges[c][j], want.ohms[j]);
  for (int j = 0; j < net.edge_count(); ++j)  // one gate source per edge, shared by the twin copies
    if (want.gate_volts[j] != applied_.gate_volts[j]) batch.add(t.gates[j], want.gate_volts[j]);
  for (size_t i = 0; i < want.input_volts.size(); ++i)
    if (want.input_volts[i] != applied_.input_volts[i])
      for (int c = 0; c < copies; ++c) batch.add(t.inputs[c][i], want.input_volts[i]);
  for (size_t o = 0; o < want.output_values.size(); ++o)
    if (want.output_values[o] != applied_.output_values[o]) batch.add(t.outputs[o], want.output_values[o]);
  if (kind_ == CircuitKind::Twin && want.twin_gain != applied_.twin_gain)
    for (const std::string& gain : t.twin_gains) batch.add(gain, want.twin_gain);
  batch.flush();
  engine_.clear_history();
  return batch.count();
}

// ngspice names node vectors by the lower-cased deck node name; the order is fixed while a circuit
// stays loaded, so the mapping is built once per load.
void Session::map_vectors() {
  const Network& net = *net_;
  const int n = net.node_count();
  const int copies = kind_ == CircuitKind::Twin ? 2 : 1;
  std::unordered_map<std::string, int> slot_of_name;
  for (int c = 0; c < copies; ++c)
    for (int v = 1; v < n; ++v) slot_of_name.emplace(lower(spice_node(net, v, c)), c * n + v);
  const std::vector<std::string>& names = engine_.vector_names();
  slot_of_vector_.assign(names.size(), -1);
  for (size_t i = 0; i < names.size(); ++i)
    if (auto it = slot_of_name.find(lower(names[i])); it != slot_of_name.end()) slot_of_vector_[i] = it->second;
  vectors_mapped_ = true;
}

void Session::fire_armed_fault() {
  if (!fault_) return;
  const protocol::WorkerFault f = *fault_;
  fault_.reset();
  switch (f) {
    case protocol::WorkerFault::AbortNow:
    case protocol::WorkerFault::AbortInNextSolve: std::abort();
    case protocol::WorkerFault::HangInNextSolve:
      for (;;) pause();
    case protocol::WorkerFault::ControlledExitInNextSolve:
      engine_.command("quit");  // ControlledExit callback: the worker replies and exits there
      std::abort();             // not reached
  }
}

void Session::fail(const Drive& d, const std::string& message) {
  circuit_valid_ = false;  // a failed circuit is reloaded rather than trusted
  const std::string culprit = net_ ? blamed(*net_, engine_.captured()) : "";
  throw SimulationError(protocol::kSolveFailed, std::string(phase_name(d.phase)) + " phase",
                        culprit.empty() ? message : message + "; ngspice blames " + culprit,
                        engine_.captured());
}

// A fresh DC operating point: re-orders the matrix from scratch.
void Session::op_once(const Drive& d) {
  if (stepping_) vectors_mapped_ = false;  // the op plot lists its vectors in its own order
  stepping_ = false;
  engine_.set_want_names(!vectors_mapped_);
  engine_.reset_data();
  engine_.command("op");
  engine_.command("destroy all");  // each op adds a plot; kept, they cost memory and slow later ops
  engine_.clear_history();
  fire_armed_fault();
  if (auto line = first_failure(engine_.captured())) fail(d, "ngspice: " + *line);
  if (engine_.data_points() != 1) fail(d, "ngspice produced no operating point");
  if (!vectors_mapped_) map_vectors();
}

// One timepoint of a halted transient. With no capacitors or inductors a timepoint is the DC
// solution of the present element values, reached by Newton with the matrix ordering of the
// first timepoint: no re-ordering, which is most of an op's time on larger meshes (measured:
// results bit-identical to op). Returns false when the timepoint failed.
bool Session::step_once() {
  if (!stepping_) {
    engine_.set_want_names(true);
    engine_.reset_data();
    engine_.command("stop after 1");
    // tstep 1 s, tmax 1 s, uic: no initial op. The t = 0 point it stops at is not a solution.
    engine_.command("tran 1 1e30 0 1 uic");
    engine_.clear_history();
    if (first_failure(engine_.captured()) || engine_.data_points() < 1) return false;
    stepping_ = true;
    vectors_mapped_ = false;
    steps_left_ = step_budget();
  }
  engine_.set_want_names(false);
  engine_.reset_data();
  engine_.command("step 1");
  engine_.clear_history();
  fire_armed_fault();
  if (first_failure(engine_.captured()) || engine_.data_points() != 1) return false;
  if (!vectors_mapped_) map_vectors();
  // The transient keeps every timepoint; after the budget the next solve reloads (one re-order).
  if (--steps_left_ <= 0) circuit_valid_ = false;
  return true;
}

// Timepoints per transient: about 64 MiB of kept vectors, at least 64.
int Session::step_budget() const {
  const double doubles_per_point = static_cast<double>(engine_.vector_names().size()) + 1.0;
  const double budget = 64.0 * 1024 * 1024 / (8.0 * doubles_per_point);
  return static_cast<int>(std::clamp(budget, 64.0, 100000.0));
}

protocol::SolveResult Session::solve(const Drive& d) {
  if (!net_) throw InputError(protocol::kBadRequest, "", "no network loaded");
  check_request(d);
  const Values want = values_for(d);
  protocol::SolveResult result;
  engine_.begin_capture();
  if (!circuit_valid_ || protocol::circuit_kind(d.phase) != kind_) {
    reload(d);
    result.circuit_loads = 1;
  } else {
    result.alters = alter_changed(want);
  }
  result.alters += early_alters_;
  early_alters_ = 0;
  applied_ = want;
  if (auto line = first_failure(engine_.captured())) fail(d, "ngspice rejected the circuit: " + *line);

  // Linear networks only: for diodes a timepoint's Newton stops less tightly than op's (its KCL
  // residual was measured larger), and it is op that the tolerances are documented against.
  if (options_.reuse_ordering && net_->is_linear() && !stepping_broken_) {
    if (step_once()) {
      result.stepped = true;
    } else {
      // A timepoint that fails (a diode network whose Newton needs more than one step, say) is
      // retried as a fresh op on a reloaded circuit; this network is not stepped again.
      stepping_broken_ = true;
      engine_.begin_capture();
      reload(d);
      result.circuit_loads += 1;
      op_once(d);
    }
  } else {
    op_once(d);
  }

  const Network& net = *net_;
  const int n = net.node_count();
  const int copies = kind_ == CircuitKind::Twin ? 2 : 1;
  const std::vector<double>& values = engine_.vector_values();
  if (values.size() != slot_of_vector_.size()) fail(d, "ngspice changed its vector layout");
  std::vector<double> volts(static_cast<size_t>(copies) * n, 0.0);
  std::vector<char> seen(volts.size(), 0);
  for (size_t i = 0; i < values.size(); ++i)
    if (const int slot = slot_of_vector_[i]; slot >= 0) {
      volts[slot] = values[i];
      seen[slot] = 1;
    }
  for (int c = 0; c < copies; ++c)
    for (int v = 1; v < n; ++v)
      if (!seen[c * n + v]) fail(d, "ngspice returned no voltage for node " + spice_node(net, v, c));
  result.node_volts.assign(volts.begin(), volts.begin() + n);
  if (copies == 2) result.twin_volts.assign(volts.begin() + n, volts.end());
  return result;
}

protocol::TransientResult Session::transient(const TransientCircuit& circuit) {
  if (!net_) throw InputError(protocol::kBadRequest, "", "no network loaded");
  const Network& net = *net_;
  remove_circuit();
  engine_.begin_capture();
  const std::string deck = build_transient_deck(net, circuit);  // checks the request's sizes
  const std::vector<std::string> lines = deck_lines(deck);
  engine_.load_circuit(lines);
  circuit_present_ = true;
  protocol::TransientResult result;
  if (auto line = first_failure(engine_.captured())) {
    result.failure = "ngspice rejected the transient circuit: " + *line;
    result.lines = engine_.captured();
    remove_circuit();
    return result;
  }
  // ngspice names a node's vector by the node, a "v(x)" of transient_vectors() without v( ).
  std::vector<std::string> names{"time"};
  for (const std::string& v : transient_vectors(net, circuit)) names.push_back(lower(v.substr(2, v.size() - 3)));
  engine_.record(names);
  engine_.reset_data();
  engine_.command(transient_command(circuit));
  engine_.clear_history();
  fire_armed_fault();
  const std::vector<double>& flat = engine_.recorded();
  const size_t width = names.size();
  const size_t points = flat.size() / width;
  result.times.resize(points);
  result.columns.assign(width - 1, std::vector<double>(points));
  for (size_t p = 0; p < points; ++p) {
    result.times[p] = flat[p * width];
    for (size_t c = 1; c < width; ++c) result.columns[c - 1][p] = flat[p * width + c];
  }
  result.lines = engine_.captured();
  const auto missing = engine_.recorded_missing();
  if (auto line = first_failure(engine_.captured()))
    result.failure = "ngspice: " + *line;
  else if (points == 0)
    result.failure = "ngspice produced no timepoint";
  else if (!missing.empty())
    result.failure = "ngspice has no vector " + missing.front();
  else if (result.times.back() < circuit.stop_seconds * (1.0 - 1e-9))
    result.failure = "ngspice stopped at t = " + format_double(result.times.back()) + " s";
  result.complete = result.failure.empty();
  engine_.record({});
  remove_circuit();
  return result;
}

}  // namespace spiceloop::worker
