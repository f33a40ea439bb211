// An independent reference for linear networks in the ngspice tests: node voltages from the
// reduced Laplacian (sparse LDLT), with ground, inputs and (Clamped) outputs held and (Nudged)
// currents injected into the outputs. Twin is a free solve followed by a clamped solve at
// (1 - eta) V_out + eta T. Used until (and beside) the Eigen backend's IdealSimulator.
#pragma once

#include <Eigen/Sparse>
#include <Eigen/SparseCholesky>

#include <stdexcept>
#include <vector>

#include "emulator/network/network.hpp"
#include "emulator/sim/simulator.hpp"

namespace spiceloop::test {

inline std::vector<double> reference_volts(const Network& net, const Drive& d) {
  const int n = net.node_count();
  std::vector<double> volts(n, 0.0);
  std::vector<int> held(n, 0);
  held[0] = 1;
  for (size_t i = 0; i < net.inputs.size(); ++i) {
    held[net.inputs[i].node] = 1;
    volts[net.inputs[i].node] = d.input_volts.empty() ? net.inputs[i].volts : d.input_volts[i];
  }
  std::vector<double> inject(n, 0.0);
  for (size_t o = 0; o < net.outputs.size(); ++o) {
    if (d.phase == Phase::Clamped) {
      held[net.outputs[o]] = 1;
      volts[net.outputs[o]] = d.clamp_volts[o];
    } else if (d.phase == Phase::Nudged) {
      inject[net.outputs[o]] += d.nudge_amps[o];
    }
  }
  std::vector<int> index(n, -1);
  int m = 0;
  for (int v = 0; v < n; ++v)
    if (!held[v]) index[v] = m++;
  std::vector<Eigen::Triplet<double>> t;
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(m);
  for (int v = 0; v < n; ++v)
    if (index[v] >= 0) rhs[index[v]] = inject[v];
  for (const Edge& e : net.edges) {
    if (!e.is_linear()) throw std::logic_error("reference_volts: linear networks only");
    const double k = e.siemens;
    const int ia = index[e.a], ib = index[e.b];
    if (ia >= 0) t.emplace_back(ia, ia, k);
    if (ib >= 0) t.emplace_back(ib, ib, k);
    if (ia >= 0 && ib >= 0) {
      t.emplace_back(ia, ib, -k);
      t.emplace_back(ib, ia, -k);
    }
    if (ia >= 0 && ib < 0) rhs[ia] += k * volts[e.b];
    if (ib >= 0 && ia < 0) rhs[ib] += k * volts[e.a];
  }
  if (m > 0) {
    Eigen::SparseMatrix<double> L(m, m);
    L.setFromTriplets(t.begin(), t.end());
    Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> solver(L);
    if (solver.info() != Eigen::Success) throw std::runtime_error("reference_volts: singular network");
    const Eigen::VectorXd x = solver.solve(rhs);
    for (int v = 0; v < n; ++v)
      if (index[v] >= 0) volts[v] = x[index[v]];
  }
  return volts;
}

struct ReferenceTwin {
  std::vector<double> free;
  std::vector<double> clamped;
};

inline ReferenceTwin reference_twin(const Network& net, const Drive& d) {
  Drive f = d;
  f.phase = Phase::Free;
  ReferenceTwin r;
  r.free = reference_volts(net, f);
  Drive c = d;
  c.phase = Phase::Clamped;
  c.clamp_volts.clear();
  for (size_t o = 0; o < net.outputs.size(); ++o)
    c.clamp_volts.push_back((1.0 - d.twin_eta) * r.free[net.outputs[o]] + d.twin_eta * d.twin_targets[o]);
  r.clamped = reference_volts(net, c);
  return r;
}

}  // namespace spiceloop::test
