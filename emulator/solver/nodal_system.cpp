#include "emulator/solver/nodal_system.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>

#include "emulator/core/error.hpp"

namespace spiceloop {

namespace {

// A pivot this small against its own diagonal means the node's voltage is fixed only by
// rounding: the block is singular in all but name. Conductance spreads up to about 1e12 pass.
constexpr double kPivotFloor = 1e-13;

int value_position(const Eigen::SparseMatrix<double>& m, int row, int col) {
  const int* begin = m.innerIndexPtr() + m.outerIndexPtr()[col];
  const int* end = m.innerIndexPtr() + m.outerIndexPtr()[col + 1];
  const int* it = std::lower_bound(begin, end, row);
  assert(it != end && *it == row);
  return static_cast<int>(it - m.innerIndexPtr());
}

}  // namespace

std::vector<char> held_nodes(const Network& net, bool outputs_held) {
  std::vector<char> held(net.node_count(), 0);
  held[0] = 1;
  for (const Input& in : net.inputs) held[in.node] = 1;
  if (outputs_held)
    for (int o : net.outputs) held[o] = 1;
  return held;
}

FreeNodes number_free_nodes(std::vector<char>& held) {
  held[0] = 1;
  FreeNodes rows;
  rows.index.assign(held.size(), -1);
  for (std::size_t v = 0; v < held.size(); ++v)
    if (!held[v]) {
      rows.index[v] = static_cast<int>(rows.nodes.size());
      rows.nodes.push_back(static_cast<int>(v));
    }
  return rows;
}

NodalSystem::NodalSystem(const Network& net, std::vector<char> held)
    : held_(std::move(held)), node_names_(net.node_names) {
  assert(static_cast<int>(held_.size()) == net.node_count() && net.node_count() > 0);
  FreeNodes rows = number_free_nodes(held_);
  free_index_ = std::move(rows.index);
  free_nodes_ = std::move(rows.nodes);

  const int m = net.edge_count();
  edge_a_.resize(m);
  edge_b_.resize(m);
  for (int j = 0; j < m; ++j) {
    edge_a_[j] = net.edges[j].a;
    edge_b_[j] = net.edges[j].b;
  }
  siemens_.assign(m, 0.0);

  // Every free node gets a diagonal entry even if nothing touches it, so the pattern is complete.
  std::vector<Eigen::Triplet<double>> pattern;
  for (int f = 0; f < free_count(); ++f) pattern.emplace_back(f, f, 0.0);
  for (int j = 0; j < m; ++j) {
    const int fa = free_index_[edge_a_[j]], fb = free_index_[edge_b_[j]];
    if (fa >= 0 && fb >= 0 && fa != fb)
      pattern.emplace_back(std::max(fa, fb), std::min(fa, fb), 0.0);
  }
  matrix_.resize(free_count(), free_count());
  matrix_.setFromTriplets(pattern.begin(), pattern.end());
  matrix_.makeCompressed();

  pos_aa_.assign(m, -1);
  pos_bb_.assign(m, -1);
  pos_ab_.assign(m, -1);
  for (int j = 0; j < m; ++j) {
    const int fa = free_index_[edge_a_[j]], fb = free_index_[edge_b_[j]];
    if (edge_a_[j] == edge_b_[j]) continue;  // a self-loop carries no current
    if (fa >= 0) pos_aa_[j] = value_position(matrix_, fa, fa);
    if (fb >= 0) pos_bb_[j] = value_position(matrix_, fb, fb);
    if (fa >= 0 && fb >= 0)
      pos_ab_[j] = value_position(matrix_, std::max(fa, fb), std::min(fa, fb));
  }
  if (free_count() > 0) ldlt_.analyzePattern(matrix_);
  rhs_.resize(free_count());
}

void NodalSystem::set_edge_siemens(std::span<const double> siemens) {
  assert(siemens.size() == siemens_.size());
  std::copy(siemens.begin(), siemens.end(), siemens_.begin());
  factorized_ = false;
}

void NodalSystem::throw_singular(int node, const std::string& why) const {
  throw SimulationError("solver.singular", fmt::format("node '{}'", node_names_[node]),
                        why + "; connect it to the rest of the circuit or remove it");
}

void NodalSystem::check_connected() const {
  // Union-find over conducting edges: every free node must reach a node whose voltage is given.
  const int n = node_count();
  std::vector<int> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](int v) {
    while (parent[v] != v) v = parent[v] = parent[parent[v]];
    return v;
  };
  for (size_t j = 0; j < siemens_.size(); ++j)
    if (siemens_[j] > 0.0) parent[find(edge_a_[j])] = find(edge_b_[j]);
  std::vector<char> anchored(n, 0);
  for (int v = 0; v < n; ++v)
    if (held_[v]) anchored[find(v)] = 1;
  for (int v = 0; v < n; ++v) {
    if (held_[v] || anchored[find(v)]) continue;
    int island = 0;
    for (int u = 0; u < n; ++u) island += find(u) == find(v) ? 1 : 0;
    throw_singular(v, island == 1
                          ? std::string("no conducting edge joins it to ground or to a source, so "
                                        "its voltage is undetermined")
                          : fmt::format("it floats with {} other node(s): no conducting path joins "
                                        "them to ground or to a source",
                                        island - 1));
  }
}

void NodalSystem::factorize() {
  check_connected();
  double* values = matrix_.valuePtr();
  std::fill(values, values + matrix_.nonZeros(), 0.0);
  for (size_t j = 0; j < siemens_.size(); ++j) {
    const double g = siemens_[j];
    if (pos_aa_[j] >= 0) values[pos_aa_[j]] += g;
    if (pos_bb_[j] >= 0) values[pos_bb_[j]] += g;
    if (pos_ab_[j] >= 0) values[pos_ab_[j]] -= g;
  }
  ldlt_.factorize(matrix_);
  ++factorizations_;
  const Eigen::VectorXd d = ldlt_.vectorD();
  const auto& pinv = ldlt_.permutationPinv().indices();
  for (int p = 0; p < free_count(); ++p) {
    const int row = pinv.size() > 0 ? pinv(p) : p;
    const double diag = matrix_.coeff(row, row);
    if (!(d(p) > kPivotFloor * diag))
      throw_singular(
          free_nodes_[row],
          fmt::format("the nodal matrix is numerically singular at this node (pivot {:g} "
                      "against diagonal {:g} S): it is joined to the rest only by "
                      "negligible conductances",
                      d(p), diag));
  }
  // Eigen stops at an exactly zero pivot, which the scan above names first; this is a backstop.
  if (ldlt_.info() != Eigen::Success)
    throw_singular(free_nodes_[0], "the sparse LDLT factorisation failed");
  factorized_ = true;
}

void NodalSystem::solve(std::vector<double>& node_volts, std::span<const double> inject_amps,
                        std::span<const double> offset_amps) {
  assert(static_cast<int>(node_volts.size()) == node_count());
  node_volts[0] = 0.0;
  if (free_count() == 0) return;
  if (!factorized_) factorize();

  rhs_.setZero();
  if (!inject_amps.empty())
    for (int f = 0; f < free_count(); ++f) rhs_(f) = inject_amps[free_nodes_[f]];
  for (size_t j = 0; j < siemens_.size(); ++j) {
    const int a = edge_a_[j], b = edge_b_[j];
    const int fa = free_index_[a], fb = free_index_[b];
    if (fa >= 0 && fb < 0) rhs_(fa) += siemens_[j] * node_volts[b];
    if (fb >= 0 && fa < 0) rhs_(fb) += siemens_[j] * node_volts[a];
    if (!offset_amps.empty() && offset_amps[j] != 0.0 && a != b) {
      if (fa >= 0) rhs_(fa) -= offset_amps[j];
      if (fb >= 0) rhs_(fb) += offset_amps[j];
    }
  }
  const Eigen::VectorXd x = ldlt_.solve(rhs_);
  for (int f = 0; f < free_count(); ++f) node_volts[free_nodes_[f]] = x(f);
}

}  // namespace spiceloop
