#include "emulator/solver/device_newton.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cmath>

#include "emulator/core/error.hpp"
#include "emulator/network/memristor.hpp"
#include "emulator/network/transistor.hpp"
#include "emulator/solver/diode_newton.hpp"

namespace spiceloop {

namespace {

double diode_nvt(const Edge& e) { return e.emission * kThermalVolts; }

}  // namespace

DeviceNewton::DeviceNewton(const Network& net, std::vector<char> held)
    : held_(std::move(held)), node_names_(net.node_names) {
  assert(static_cast<int>(held_.size()) == net.node_count() && net.node_count() > 0);
  FreeNodes rows = number_free_nodes(held_);
  free_index_ = std::move(rows.index);
  free_nodes_ = std::move(rows.nodes);
  const std::size_t m = net.edges.size();
  i0_.assign(m, 0.0), ga_.assign(m, 0.0), gb_.assign(m, 0.0), va0_.assign(m, 0.0), vb0_.assign(m, 0.0);
  rhs_.resize(static_cast<Eigen::Index>(free_nodes_.size()));
}

void DeviceNewton::assemble(const Network& net, const std::vector<double>& v, std::span<const double> inject,
                            const std::vector<double>& junction, double gmin) {
  const int nf = static_cast<int>(free_nodes_.size());
  triplets_.clear();
  rhs_.setZero();
  for (int f = 0; f < nf; ++f) {
    triplets_.emplace_back(f, f, 0.0);  // a complete, fixed pattern whatever the values
    if (!inject.empty()) rhs_(f) += inject[free_nodes_[f]];
  }
  for (std::size_t j = 0; j < net.edges.size(); ++j) {
    const Edge& e = net.edges[j];
    const double va = v[e.a], vb = v[e.b];
    double i0 = 0.0, ga = 0.0, gb = 0.0;
    switch (e.kind) {
      case ElementKind::Transistor: {
        const TransistorPoint p = transistor_point(e, va, vb);
        i0 = p.amps, ga = p.d_volts_a, gb = p.d_volts_b;
        break;
      }
      case ElementKind::Diode: {
        // The companion at the limited junction voltage, extended to the present drop.
        const double nvt = diode_nvt(e), vj = junction[j];
        const double g = e.is_amps * std::exp(vj / nvt) / nvt;
        i0 = e.is_amps * std::expm1(vj / nvt) + g * (va - vb - vj), ga = g, gb = -g;
        break;
      }
      case ElementKind::Memristor: {
        const MemristorPoint p = memristor_point(e, va, vb);
        i0 = p.amps, ga = p.d_volts, gb = -p.d_volts;
        break;
      }
      default:
        i0 = e.siemens * (va - vb), ga = e.siemens, gb = -e.siemens;
        break;
    }
    i0_[j] = i0, ga_[j] = ga, gb_[j] = gb, va0_[j] = va, vb0_[j] = vb;
    if (e.kind == ElementKind::Transistor && gmin > 0.0)  // the body junctions' leak to ground
      for (int node : {e.a, e.b})
        if (const int f = free_index_[node]; f >= 0) triplets_.emplace_back(f, f, gmin);
    if (e.a == e.b) continue;
    // Branch current a -> b: i = c + ga V_a + gb V_b; it leaves a and enters b.
    const double c = i0 - ga * va - gb * vb;
    const int fa = free_index_[e.a], fb = free_index_[e.b];
    if (fa >= 0) {
      triplets_.emplace_back(fa, fa, ga);
      if (fb >= 0) triplets_.emplace_back(fa, fb, gb);
      else rhs_(fa) -= gb * vb;
      rhs_(fa) -= c;
    }
    if (fb >= 0) {
      triplets_.emplace_back(fb, fb, -gb);
      if (fa >= 0) triplets_.emplace_back(fb, fa, -ga);
      else rhs_(fb) += ga * va;
      rhs_(fb) += c;
    }
  }
  matrix_.resize(nf, nf);
  matrix_.setFromTriplets(triplets_.begin(), triplets_.end());
  matrix_.makeCompressed();
}

void DeviceNewton::factorize(const std::string& where) {
  if (!analysed_) {
    lu_.analyzePattern(matrix_);
    analysed_ = true;
  }
  lu_.factorize(matrix_);
  if (lu_.info() == Eigen::Success) return;
  // Name a node that nothing conducts to (a cut-off transistor carries no current), else the first.
  int node = free_nodes_.empty() ? 0 : free_nodes_[0];
  for (std::size_t f = 0; f < free_nodes_.size(); ++f)
    if (matrix_.coeff(static_cast<Eigen::Index>(f), static_cast<Eigen::Index>(f)) == 0.0) {
      node = free_nodes_[f];
      break;
    }
  throw SimulationError("solver.singular", fmt::format("node '{}' ({})", node_names_[node], where),
                        "the Jacobian is singular here: no conducting edge fixes this node's voltage (a "
                        "transistor with V_G - V_T below its source voltage is cut off); raise the gate "
                        "voltages around it or connect it to the rest of the circuit");
}

int DeviceNewton::solve(const Network& net, std::vector<double>& node_volts, std::span<const double> inject_amps,
                        const SolverOptions& options, const std::string& where) {
  const int m = net.edge_count();
  std::vector<double> junction(m, 0.0), v_crit(m, 0.0);
  std::vector<int> nonlinear;
  for (int j = 0; j < m; ++j) {
    const Edge& e = net.edges[j];
    if (e.is_linear() || (held_[e.a] && held_[e.b])) continue;
    nonlinear.push_back(j);
    if (e.kind == ElementKind::Diode) {
      const double nvt = diode_nvt(e);
      v_crit[j] = nvt * std::log(nvt / (std::sqrt(2.0) * e.is_amps));
      junction[j] = v_crit[j];  // SPICE's MODEINITJCT starting point, as diode_newton.hpp
    }
  }
  std::vector<double> volts = node_volts;
  for (int v = 0; v < static_cast<int>(volts.size()); ++v)
    if (!held_[v]) volts[v] = 0.0;
  if (free_nodes_.empty()) return 0;

  std::vector<double> next;
  double worst_step = 0.0, previous_step = INFINITY;
  int worst_node = free_nodes_[0];
  for (int iteration = 1; iteration <= options.newton_max_iterations; ++iteration) {
    for (int j : nonlinear)
      if (net.edges[j].kind == ElementKind::Diode && !std::isfinite(std::exp(junction[j] / diode_nvt(net.edges[j]))))
        throw SimulationError("solver.no_convergence", where,
                              fmt::format("diode '{}' was driven to {:g} V, where its current overflows: a path of "
                                          "diodes across the sources needs series resistance",
                                          net.edges[j].name, junction[j]));
    assemble(net, volts, inject_amps, junction, options.gmin_siemens);
    factorize(where);
    const Eigen::VectorXd x = lu_.solve(rhs_);
    next = volts;
    for (std::size_t f = 0; f < free_nodes_.size(); ++f) next[free_nodes_[f]] = x(static_cast<Eigen::Index>(f));

    bool converged = true, limited_any = false;
    previous_step = worst_step;
    worst_step = 0.0;
    double largest_volts = 0.0;
    for (int v : free_nodes_) {
      if (!std::isfinite(next[v])) {
        converged = false, worst_step = INFINITY, worst_node = v;
        continue;
      }
      const double step = std::abs(next[v] - volts[v]);
      if (step > worst_step) worst_step = step, worst_node = v;
      largest_volts = std::max(largest_volts, std::abs(next[v]));
      if (step > options.reltol * std::max(std::abs(next[v]), std::abs(volts[v])) + options.vntol_volts)
        converged = false;
    }
    for (int j : nonlinear) {
      const Edge& e = net.edges[j];
      const double va = next[e.a], vb = next[e.b];
      const double predicted = i0_[j] + ga_[j] * (va - va0_[j]) + gb_[j] * (vb - vb0_[j]);
      double actual;
      if (e.kind == ElementKind::Diode) {
        actual = e.is_amps * std::expm1((va - vb) / diode_nvt(e));
        bool limited = false;
        junction[j] = limit_junction_volts(va - vb, junction[j], diode_nvt(e), v_crit[j], limited);
        limited_any = limited_any || limited;
      } else if (e.kind == ElementKind::Memristor) {
        actual = memristor_point(e, va, vb).amps;
      } else {
        actual = transistor_point(e, va, vb).amps;
      }
      if (!(std::abs(actual - predicted) <=
            options.reltol * std::max(std::abs(actual), std::abs(predicted)) + options.abstol_amps))
        converged = false;
    }
    converged = !limited_any && (converged || at_rounding_floor(iteration, worst_step, previous_step, largest_volts));
    volts.swap(next);
    if (converged) {
      node_volts = volts;
      return iteration;
    }
  }
  throw SimulationError(
      "solver.no_convergence", where,
      fmt::format("Newton iteration on the transistor/memristor network did not converge in {} iterations (last "
                  "step {:g} V at node '{}'); raise newton_max_iterations or check for nodes held only by cut-off "
                  "transistors",
                  options.newton_max_iterations, worst_step, node_names_[worst_node]));
}

std::vector<double> DeviceNewton::loss_gradient(const Network& net, const std::vector<double>& node_volts,
                                                std::span<const double> residual, double gmin_siemens) {
  assert(residual.size() == net.outputs.size());
  std::vector<double> junction(net.edges.size(), 0.0);
  for (std::size_t j = 0; j < net.edges.size(); ++j)
    junction[j] = node_volts[net.edges[j].a] - node_volts[net.edges[j].b];  // diodes at their solution
  assemble(net, node_volts, {}, junction, gmin_siemens);
  std::vector<double> grad(net.edges.size(), 0.0);
  if (free_nodes_.empty()) return grad;
  Eigen::SparseMatrix<double> transposed = matrix_.transpose();
  transposed.makeCompressed();
  Eigen::SparseLU<Eigen::SparseMatrix<double>> lu(transposed);
  if (lu.info() != Eigen::Success)
    throw SimulationError("solver.singular", "gradient", "the Jacobian at the free state is singular");
  Eigen::VectorXd r = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(free_nodes_.size()));
  for (std::size_t o = 0; o < residual.size(); ++o) {
    const int f = free_index_[net.outputs[o]];
    assert(f >= 0);
    r(f) += residual[o];
  }
  const Eigen::VectorXd lambda = lu.solve(r);
  const auto at = [&](int node) { return free_index_[node] >= 0 ? lambda(free_index_[node]) : 0.0; };
  for (std::size_t j = 0; j < net.edges.size(); ++j) {
    const Edge& e = net.edges[j];
    double d_value;  // dI_j / dp_j
    if (e.kind == ElementKind::Transistor) d_value = transistor_point(e, node_volts[e.a], node_volts[e.b]).d_gate_volts;
    else if (e.kind == ElementKind::Memristor) d_value = memristor_point(e, node_volts[e.a], node_volts[e.b]).d_siemens;
    else if (e.is_linear()) d_value = node_volts[e.a] - node_volts[e.b];
    else continue;
    grad[j] = (at(e.a) - at(e.b)) * d_value;
  }
  return grad;
}

}  // namespace spiceloop
