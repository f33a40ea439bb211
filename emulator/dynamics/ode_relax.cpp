#include "emulator/dynamics/ode_relax.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "emulator/core/error.hpp"
#include "emulator/dynamics/rosenbrock.hpp"
#include "emulator/network/transistor.hpp"
#include "emulator/solver/ideal_simulator.hpp"

namespace spiceloop {

namespace {

using Vec = Eigen::VectorXd;
using Mat = Eigen::MatrixXd;

double waveform_at(const Waveform& w, double t) {
  const auto it = std::upper_bound(w.times.begin(), w.times.end(), t);
  if (it == w.times.begin()) return w.values.front();
  if (it == w.times.end()) return w.values.back();
  const size_t i = static_cast<size_t>(it - w.times.begin());
  const double t0 = w.times[i - 1], t1 = w.times[i];
  return w.values[i - 1] + (t - t0) / (t1 - t0) * (w.values[i] - w.values[i - 1]);
}

void check_edges(const Machine& m) {
  for (const Edge& e : m.net.edges) {
    const bool linear = e.kind == ElementKind::Resistor || e.kind == ElementKind::Digipot ||
                        (e.kind == ElementKind::Memristor && e.is_linear());
    if (linear || e.kind == ElementKind::Transistor) continue;
    throw InputError("dynamics.unsupported",
                     (m.config.source.empty() ? std::string() : m.config.source + "#") + "/dynamics/relaxation",
                     fmt::format("edge '{}' is a {}: integrated relaxation knows resistors, digipots, linear "
                                 "memristors and transistors; use \"relaxation\": \"quasistatic\"",
                                 e.name, element_kind_name(e.kind)));
  }
}

// The state x = [u (one per learned edge), V of the free copy's unheld nodes, V of the clamped copy's].
class RelaxedFlow {
 public:
  explicit RelaxedFlow(const Machine& m) : m_(m), edges_(m.net.edges) {
    const int nodes = m.net.node_count();
    std::vector<bool> input(nodes, false), output(nodes, false);
    for (const auto& in : m.net.inputs) input[in.node] = true;
    for (int o : m.net.outputs) output[o] = true;
    learned_index_.assign(edges_.size(), -1);
    for (size_t i = 0; i < m.learned.size(); ++i) learned_index_[m.learned[i]] = static_cast<int>(i);
    const int base = static_cast<int>(m.learned.size());
    free_index_.assign(nodes, -1);
    clamped_index_.assign(nodes, -1);
    int k = base;
    for (int v = 1; v < nodes; ++v)
      if (!input[v]) free_index_[v] = k++;
    for (int v = 1; v < nodes; ++v)
      if (!input[v] && !output[v]) clamped_index_[v] = k++;
    size_ = static_cast<size_t>(k);
    vf_.assign(nodes, 0.0);
    vc_.assign(nodes, 0.0);
  }

  size_t size() const { return size_; }

  // t = 0: the parameters' initial control volts, the nodes at the twin DC state.
  Vec start() const {
    Vec x(static_cast<Eigen::Index>(size_));
    for (size_t i = 0; i < m_.learned.size(); ++i) x[i] = m_.circuit.initial_volts[m_.learned[i]];
    IdealSimulator sim(m_.config.tolerances);
    sim.load(m_.net);
    Drive d;
    d.phase = Phase::Twin;
    d.twin_eta = m_.circuit.eta;
    for (const Waveform& w : m_.circuit.inputs) d.input_volts.push_back(waveform_at(w, 0.0));
    for (const Waveform& w : m_.circuit.targets) d.twin_targets.push_back(waveform_at(w, 0.0));
    const TwinState s = sim.solve_twin(d);
    for (size_t v = 0; v < free_index_.size(); ++v) {
      if (free_index_[v] >= 0) x[free_index_[v]] = s.free.node_volts[v];
      if (clamped_index_[v] >= 0) x[clamped_index_[v]] = s.clamped.node_volts[v];
    }
    return x;
  }

  void rhs(const Vec& x, Vec& dxdt, double t) const {
    fill_volts(x, t);
    dxdt.setZero(static_cast<Eigen::Index>(size_));
    const double per_farad = 1.0 / m_.spec.node_farads, w = m_.window_at(t);
    for (size_t j = 0; j < edges_.size(); ++j) {
      const Edge& e = edges_[j];
      const double df = vf_[e.a] - vf_[e.b], dc = vc_[e.a] - vc_[e.b];
      const double i_f = amps(j, x, vf_[e.a], vf_[e.b]), i_c = amps(j, x, vc_[e.a], vc_[e.b]);
      if (free_index_[e.a] >= 0) dxdt[free_index_[e.a]] -= i_f * per_farad;
      if (free_index_[e.b] >= 0) dxdt[free_index_[e.b]] += i_f * per_farad;
      if (clamped_index_[e.a] >= 0) dxdt[clamped_index_[e.a]] -= i_c * per_farad;
      if (clamped_index_[e.b] >= 0) dxdt[clamped_index_[e.b]] += i_c * per_farad;
      if (learned_index_[j] >= 0) dxdt[learned_index_[j]] = w * m_.circuit.learn_rate[j] * (df * df - dc * dc);
    }
  }

  // Forward differences; df/dt stays inside the piece [t0, t1] where the drive is linear in t.
  void jacobian(const Vec& x, Mat& jac, double t, Vec& dfdt) const {
    Vec f0, f1, xh = x;
    rhs(x, f0, t);
    jac.resize(x.size(), x.size());
    for (Eigen::Index k = 0; k < x.size(); ++k) {
      const double h = std::sqrt(std::numeric_limits<double>::epsilon()) * std::max(1.0, std::abs(x[k]));
      xh[k] = x[k] + h;
      rhs(xh, f1, t);
      xh[k] = x[k];
      jac.col(k) = (f1 - f0) / h;
    }
    double ht = 1e-6 * (piece_end - piece_start);
    if (t + ht > piece_end) ht = -ht;
    rhs(x, f1, t + ht);
    dfdt = (f1 - f0) / ht;
  }

  std::vector<double> parameters(const Vec& x) const {
    std::vector<double> p(m_.learned.size());
    for (size_t i = 0; i < p.size(); ++i) p[i] = m_.parameter_of_volts(i, x[i]);
    return p;
  }

  std::vector<double> free_outputs(const Vec& x, double t) const {
    fill_volts(x, t);
    std::vector<double> out;
    for (int o : m_.net.outputs) out.push_back(vf_[o]);
    return out;
  }

  double piece_start = 0.0, piece_end = 0.0;

 private:
  // Every node's volts in both copies at state x and time t (held nodes from their sources).
  void fill_volts(const Vec& x, double t) const {
    for (size_t v = 0; v < free_index_.size(); ++v) {
      vf_[v] = free_index_[v] >= 0 ? x[free_index_[v]] : 0.0;
      vc_[v] = clamped_index_[v] >= 0 ? x[clamped_index_[v]] : 0.0;
    }
    for (size_t i = 0; i < m_.net.inputs.size(); ++i)
      vf_[m_.net.inputs[i].node] = vc_[m_.net.inputs[i].node] = waveform_at(m_.circuit.inputs[i], t);
    const double eta = m_.circuit.eta;
    for (size_t o = 0; o < m_.net.outputs.size(); ++o) {
      const int n = m_.net.outputs[o];
      vc_[n] = (1.0 - eta) * vf_[n] + eta * waveform_at(m_.circuit.targets[o], t);
    }
  }

  double amps(size_t j, const Vec& x, double va, double vb) const {
    Edge& e = edges_[j];
    const int li = learned_index_[j];
    if (e.kind == ElementKind::Transistor) {
      if (li >= 0) e.gate_volts = x[li];
      return transistor_point(e, va, vb).amps;
    }
    const double siemens = li >= 0 ? m_.circuit.siemens_per_volt[j] * x[li] : e.siemens;
    return siemens * (va - vb);
  }

  const Machine& m_;
  mutable std::vector<Edge> edges_;  // learned transistors' gates set from the state
  std::vector<int> learned_index_, free_index_, clamped_index_;
  size_t size_ = 0;
  mutable std::vector<double> vf_, vc_;
};

// The period's corners: its input ramp, its window's corners, its end; in order, without repeats.
std::vector<double> corners_of(const Machine& m, std::int64_t p) {
  const double start = static_cast<double>(p) * m.spec.period_seconds, end = m.period_end(p);
  std::vector<double> c = m.window_corners(p);
  c.insert(c.end(), {start, start + m.spec.edge_seconds, end});
  std::sort(c.begin(), c.end());
  std::vector<double> out;
  const double tol = 1e-12 * m.spec.period_seconds;
  for (double t : c)
    if (t >= start - tol && t <= end + tol && (out.empty() || t - out.back() > tol)) out.push_back(t);
  out.front() = start;
  out.back() = end;
  return out;
}

}  // namespace

Trajectory run_relaxed(const Machine& m) {
  check_edges(m);
  Trajectory t;
  t.backend = "ideal";
  const auto started = std::chrono::steady_clock::now();
  RelaxedFlow flow(m);
  Vec x = flow.start();
  t.rows.push_back(start_row(m));
  StiffSystem sys;
  sys.rhs = [&](const Vec& s, double time, Vec& dsdt) { flow.rhs(s, dsdt, time); };
  sys.jacobian = [&](const Vec& s, double time, Mat& j, Vec& dfdt) { flow.jacobian(s, j, time, dfdt); };
  const double rel = m.config.tolerances.reltol;
  Rosenbrock4 stepper(rel * 1.0, rel);  // every state is about 1 V: control volts and node volts
  std::int64_t steps = 0;
  try {
    for (std::int64_t p = 0; p < m.periods; ++p) {
      const std::vector<double> c = corners_of(m, p);
      const double open = m.window_open(p);
      std::vector<double> free_out;
      for (size_t k = 0; k + 1 < c.size(); ++k) {
        if (free_out.empty() && c[k] >= open - 1e-12 * m.spec.period_seconds) free_out = flow.free_outputs(x, c[k]);
        flow.piece_start = c[k];
        flow.piece_end = c[k + 1];
        steps += stepper.integrate(sys, x, c[k], c[k + 1]);
      }
      if (free_out.empty()) free_out = flow.free_outputs(x, c.back());
      t.rows.push_back(trajectory_row(m, p, flow.parameters(x), free_out));
      // As the quasistatic run stops (drive.out_of_range): a negative conductance is no resistor, and
      // the node it touches would run away.
      for (size_t i = 0; i < m.learned.size(); ++i)
        if (!m.gates && !(t.rows.back().parameters[i] > 0.0)) {
          t.complete = false;
          t.failure = fmt::format("the conductance of edge '{}' crossed 0 in period {} (the transient does not clip); "
                                  "take a smaller \"alpha\"",
                                  m.net.edges[m.learned[i]].name, p);
          break;
        }
      if (!t.complete) break;
    }
  } catch (const SimulationError& e) {  // the step underflowed: keep the rows reached
    t.complete = false;
    t.failure = fmt::format("the integrated ODE stopped: {}", e.what());
    for (size_t i = 0; i < m.learned.size(); ++i)  // the usual cause: a conductance went negative and ran away
      if (!m.gates && !(x[static_cast<Eigen::Index>(i)] > 0.0)) {
        t.failure += fmt::format("; the conductance of edge '{}' had crossed 0 (the transient does not clip): take a "
                                 "smaller \"alpha\"",
                                 m.net.edges[m.learned[i]].name);
        break;
      }
  }
  t.timepoints = steps;
  t.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return t;
}

}  // namespace spiceloop
