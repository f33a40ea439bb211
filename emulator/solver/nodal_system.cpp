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

// Union-find root with path halving.
int find_root(std::vector<int>& parent, int v) {
  while (parent[v] != v) v = parent[v] = parent[parent[v]];
  return v;
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
  // Free index in node order: the numbering Eigen's ordering starts from.
  const FreeNodes rows = number_free_nodes(held_);
  const std::vector<int>& free_index = rows.index;
  const int n = net.node_count(), nf = static_cast<int>(rows.nodes.size());

  const int m = net.edge_count();
  edge_a_.resize(m);
  edge_b_.resize(m);
  for (int j = 0; j < m; ++j) {
    edge_a_[j] = net.edges[j].a;
    edge_b_[j] = net.edges[j].b;
  }
  plan_.role.assign(m, StampPlan::Role::None);
  plan_.place.assign(m, {-1, -1, -1});
  row_of_node_.assign(n, -1);
  node_of_row_.assign(nf, -1);

  // Every free node gets a diagonal entry even if nothing touches it, so the pattern is complete.
  std::vector<Eigen::Triplet<double>> pattern;
  for (int f = 0; f < nf; ++f) pattern.emplace_back(f, f, 0.0);
  for (int j = 0; j < m; ++j) {
    const int fa = free_index[edge_a_[j]], fb = free_index[edge_b_[j]];
    if (fa >= 0 && fb >= 0 && fa != fb) pattern.emplace_back(std::max(fa, fb), std::min(fa, fb), 0.0);
  }
  Eigen::SparseMatrix<double> lower(nf, nf);
  lower.setFromTriplets(pattern.begin(), pattern.end());
  lower.makeCompressed();

  // The ordering and the permuted upper triangle exactly as Eigen's SimplicialLDLT<Lower> with
  // AMD makes them at each factorisation (same entries in the same order, so the same rounding),
  // made once here. Each lower entry carries its own index + 1 through the copy, which maps
  // lower positions to upper ones.
  Eigen::PermutationMatrix<Eigen::Dynamic, Eigen::Dynamic, int> perm;
  if (nf > 0) {
    Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>, Eigen::Lower> amd;
    amd.analyzePattern(lower);
    perm = amd.permutationP();
  }
  const auto permuted = [&](int f) { return perm.size() > 0 ? perm.indices()(f) : f; };
  for (int k = 0; k < lower.nonZeros(); ++k) lower.valuePtr()[k] = k + 1;
  upper_.resize(nf, nf);
  if (nf > 0) {
    if (perm.size() > 0)
      upper_.selfadjointView<Eigen::Upper>() = lower.selfadjointView<Eigen::Lower>().twistedBy(perm);
    else
      upper_.selfadjointView<Eigen::Upper>() = lower.selfadjointView<Eigen::Lower>();
  }
  std::vector<int> upper_of_lower(lower.nonZeros(), -1);
  for (int k = 0; k < upper_.nonZeros(); ++k) upper_of_lower[static_cast<int>(upper_.valuePtr()[k]) - 1] = k;
  std::fill(upper_.valuePtr(), upper_.valuePtr() + upper_.nonZeros(), 0.0);

  for (int v = 0; v < n; ++v)
    if (free_index[v] >= 0) {
      row_of_node_[v] = permuted(free_index[v]);
      node_of_row_[row_of_node_[v]] = v;
    }
  diag_pos_.assign(nf, -1);
  for (int f = 0; f < nf; ++f) diag_pos_[permuted(f)] = upper_of_lower[value_position(lower, f, f)];
  for (int j = 0; j < m; ++j) {
    const int fa = free_index[edge_a_[j]], fb = free_index[edge_b_[j]];
    if (edge_a_[j] == edge_b_[j]) continue;  // a self-loop carries no current
    if (fa >= 0 && fb >= 0) {
      plan_.role[j] = StampPlan::Role::Internal;
      plan_.place[j] = {upper_of_lower[value_position(lower, fa, fa)], upper_of_lower[value_position(lower, fb, fb)],
                   upper_of_lower[value_position(lower, std::max(fa, fb), std::min(fa, fb))]};
    } else if (fa >= 0 || fb >= 0) {
      const int row = permuted(fa >= 0 ? fa : fb), held = fa >= 0 ? edge_b_[j] : edge_a_[j];
      plan_.role[j] = StampPlan::Role::Coupling;
      plan_.place[j] = {row, held, diag_pos_[row]};
      coupling_edge_.push_back(j);
      coupling_row_.push_back(row);
      coupling_node_.push_back(held);
    }
  }

  // Whether every free node reaches a held one at all; with every conductance positive this is
  // the whole connectivity check, so factorisations skip it.
  std::vector<int> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  for (int j = 0; j < m; ++j) parent[find_root(parent, edge_a_[j])] = find_root(parent, edge_b_[j]);
  std::vector<char> reached(n, 0);
  for (int v = 0; v < n; ++v)
    if (held_[v]) reached[find_root(parent, v)] = 1;
  for (int v = 0; v < n; ++v) anchored_ = anchored_ && (held_[v] || reached[find_root(parent, v)]);
  plan_.find_runs();

  if (nf > 0) ldlt_.analyze(upper_);
}

std::size_t NodalSystem::run_blocks() const {
  return static_cast<std::size_t>(
      std::count_if(plan_.run.begin(), plan_.run.end(), [](StampPlan::Run r) { return r != StampPlan::Run::Edges; }));
}

void NodalSystem::set_edge_siemens(std::span<const double> siemens) {
  assert(siemens.size() == edge_a_.size());
  siemens_ = siemens;
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
  for (size_t j = 0; j < siemens_.size(); ++j)
    if (siemens_[j] > 0.0) parent[find_root(parent, edge_a_[j])] = find_root(parent, edge_b_[j]);
  std::vector<char> anchored(n, 0);
  for (int v = 0; v < n; ++v)
    if (held_[v]) anchored[find_root(parent, v)] = 1;
  for (int v = 0; v < n; ++v) {
    if (held_[v] || anchored[find_root(parent, v)]) continue;
    int island = 0;
    for (int u = 0; u < n; ++u) island += find_root(parent, u) == find_root(parent, v) ? 1 : 0;
    throw_singular(v, island == 1
                          ? std::string("no conducting edge joins it to ground or to a source, so "
                                        "its voltage is undetermined")
                          : fmt::format("it floats with {} other node(s): no conducting path joins "
                                        "them to ground or to a source",
                                        island - 1));
  }
}

// After assemble<true>: the value array holds the new stamps.
void NodalSystem::factorize() {
  if (!(all_positive_ && anchored_)) check_connected();
  ldlt_.refactor(upper_);
  ++factorizations_;
  const Eigen::VectorXd& d = ldlt_.diagonal();
  const double* values = upper_.valuePtr();
  for (int p = 0; p < free_count(); ++p) {
    const double diag = values[diag_pos_[p]];
    if (!(d(p) > kPivotFloor * diag))
      throw_singular(
          node_of_row_[p],
          fmt::format("the nodal matrix is numerically singular at this node (pivot {:g} "
                      "against diagonal {:g} S): it is joined to the rest only by "
                      "negligible conductances",
                      d(p), diag));
  }
  // Eigen stops at an exactly zero pivot, which the scan above names first; this is a backstop.
  if (ldlt_.info() != Eigen::Success)
    throw_singular(node_of_row_[0], "the sparse LDLT factorisation failed");
  factorized_ = true;
}

template <bool kStamp>
void NodalSystem::assemble(std::span<const double> volts, int columns, std::span<const double> inject_amps) {
  const int nf = free_count(), n = node_count();
  const std::size_t size = static_cast<std::size_t>(nf) * columns;
  if (x_.size() < size) x_.resize(size);
  double* x = x_.data();
  for (int c = 0; c < columns; ++c) {
    double* col = x + static_cast<std::size_t>(c) * nf;
    if (inject_amps.empty()) {
      std::fill(col, col + nf, 0.0);
    } else {
      const double* inject = inject_amps.data() + static_cast<std::size_t>(c) * n;
      for (int r = 0; r < nf; ++r) col[r] = inject[node_of_row_[r]];
    }
  }
  const double* v = volts.data();
  const double* g_of = siemens_.data();
  // Each row's right side and each stamped entry sum their terms in edge order, as always.
  const auto add_coupling = [&](int row, int node, double g) {
    if (columns == 1) {
      x[row] += g * v[node];
      return;
    }
    for (int s = 0; s < columns; ++s) x[static_cast<std::size_t>(s) * nf + row] += g * v[static_cast<std::size_t>(s) * n + node];
  };
  if constexpr (kStamp) {
    double* values = upper_.valuePtr();
    std::fill(values, values + upper_.nonZeros(), 0.0);
    all_positive_ = stamp_edges(plan_, g_of, values, x, v, columns, nf, n);
  } else {
    const std::size_t couplings = coupling_edge_.size();
    for (std::size_t c = 0; c < couplings; ++c) add_coupling(coupling_row_[c], coupling_node_[c], g_of[coupling_edge_[c]]);
  }
}

// L D L^T x = b in place on the first `columns` columns of x_, as SimplicialLDLT::solve does it.
void NodalSystem::back_substitute(int columns) {
  Eigen::Map<Eigen::MatrixXd> x(x_.data(), free_count(), columns);
  if (ldlt_.matrixL().nestedExpression().nonZeros() > 0) ldlt_.matrixL().solveInPlace(x);
  x = ldlt_.diagonal().asDiagonal().inverse() * x;
  if (ldlt_.matrixL().nestedExpression().nonZeros() > 0) ldlt_.matrixU().solveInPlace(x);
}

void NodalSystem::solve_columns(std::span<double> volts, int columns, std::span<const double> inject_amps) {
  const int n = node_count(), nf = free_count();
  assert(volts.size() == static_cast<std::size_t>(n) * columns);
  assert(inject_amps.empty() || inject_amps.size() == volts.size());
  for (int c = 0; c < columns; ++c) volts[static_cast<std::size_t>(c) * n] = 0.0;
  last_columns_ = 0;
  if (nf == 0 || columns == 0) return;
  if (factorized_) {
    assemble<false>(volts, columns, inject_amps);
  } else {
    assemble<true>(volts, columns, inject_amps);
    factorize();
  }
  const std::size_t size = static_cast<std::size_t>(nf) * columns;
  if (b_.size() < size) b_.resize(size);
  std::copy(x_.begin(), x_.begin() + static_cast<std::ptrdiff_t>(size), b_.begin());
  back_substitute(columns);
  for (int c = 0; c < columns; ++c) {
    const double* x = x_.data() + static_cast<std::size_t>(c) * nf;
    double* out = volts.data() + static_cast<std::size_t>(c) * n;
    for (int r = 0; r < nf; ++r) out[node_of_row_[r]] = x[r];
  }
  last_columns_ = columns;
}

double NodalSystem::last_relative_residual() {
  const int nf = free_count();
  double worst = 0.0;
  ax_.resize(nf);
  scale_.resize(nf);
  std::vector<double>& ax = ax_;
  std::vector<double>& scale = scale_;
  for (int c = 0; c < last_columns_; ++c) {
    const double* x = x_.data() + static_cast<std::size_t>(c) * nf;
    const double* b = b_.data() + static_cast<std::size_t>(c) * nf;
    std::fill(ax.begin(), ax.end(), 0.0);
    std::fill(scale.begin(), scale.end(), 0.0);
    for (int col = 0; col < nf; ++col)
      for (Eigen::SparseMatrix<double>::InnerIterator it(upper_, col); it; ++it) {
        const int row = static_cast<int>(it.index());
        ax[row] += it.value() * x[col];
        scale[row] += std::abs(it.value() * x[col]);
        if (row != col) {
          ax[col] += it.value() * x[row];
          scale[col] += std::abs(it.value() * x[row]);
        }
      }
    for (int r = 0; r < nf; ++r) {
      const double denominator = scale[r] + std::abs(b[r]);
      if (denominator > 0.0) worst = std::max(worst, std::abs(ax[r] - b[r]) / denominator);
    }
  }
  return worst;
}

void NodalSystem::solve(std::vector<double>& node_volts, std::span<const double> inject_amps,
                        std::span<const double> offset_amps) {
  assert(static_cast<int>(node_volts.size()) == node_count());
  if (offset_amps.empty()) return solve_columns(node_volts, 1, inject_amps);
  node_volts[0] = 0.0;
  last_columns_ = 0;
  const int nf = free_count();
  if (nf == 0) return;
  // Newton's companion offsets: per edge, its coupling term then its offsets, as the rows have
  // always been summed. The stamps come from a first pass whose right sides are discarded.
  if (!factorized_) {
    assemble<true>(node_volts, 1, {});
    factorize();
  }
  if (x_.size() < static_cast<std::size_t>(nf)) x_.resize(nf);
  double* x = x_.data();
  for (int r = 0; r < nf; ++r) x[r] = inject_amps.empty() ? 0.0 : inject_amps[node_of_row_[r]];
  for (size_t j = 0; j < siemens_.size(); ++j) {
    const int a = edge_a_[j], b = edge_b_[j];
    const int fa = row_of_node_[a], fb = row_of_node_[b];
    if (fa >= 0 && fb < 0) x[fa] += siemens_[j] * node_volts[b];
    if (fb >= 0 && fa < 0) x[fb] += siemens_[j] * node_volts[a];
    if (offset_amps[j] != 0.0 && a != b) {
      if (fa >= 0) x[fa] -= offset_amps[j];
      if (fb >= 0) x[fb] += offset_amps[j];
    }
  }
  back_substitute(1);
  for (int r = 0; r < nf; ++r) node_volts[node_of_row_[r]] = x[r];
}

}  // namespace spiceloop
