// The reduced nodal system of a network for one held set: the Laplacian rows and columns of the
// free (unheld) nodes, with the held nodes (ground, input sources, clamped outputs) moved to the
// right-hand side. Every edge is a linear branch i_j = g_j * dV_j + offset_j (amperes, a -> b):
// resistors have offset 0; a diode linearised by Newton has its companion offset.
//
// Made once per held set: the sparsity pattern, its fill-reducing (AMD) ordering and symbolic
// analysis, and for each edge the positions its stamps take in the value array the factorisation
// reads (the upper triangle, already in the permuted order, so nothing is copied or re-ordered
// per factorisation). After new conductances, the next solve stamps them straight into that array
// in the same pass over the edges that builds the right-hand sides, then factorises numerically;
// solves at unchanged conductances only back-substitute. Several right-hand sides (a batch of
// drives) are solved together, one pass over the edges for all of them. Nothing is copied per
// edge and nothing is allocated per solve once the workspace has grown to the largest batch.
// Results are bit-identical to Eigen's SimplicialLDLT with AMD ordering on the same matrix.
// Units: siemens, volts, amperes.
#pragma once

#include <Eigen/SparseCholesky>
#include <Eigen/SparseCore>
#include <array>
#include <span>
#include <string>
#include <vector>

#include "emulator/network/network.hpp"
#include "emulator/solver/stamp_plan.hpp"

namespace spiceloop {

// The held set of a phase: ground and inputs, plus the outputs when they are clamped.
std::vector<char> held_nodes(const Network& net, bool outputs_held);

// The rows of a reduced nodal system: ground is always held (held[0] is set), every other node
// that is not held gets the next row. Shared by the linear system and the transistor Newton.
struct FreeNodes {
  std::vector<int> index;  // node -> row, -1 if held
  std::vector<int> nodes;  // row -> node
};
FreeNodes number_free_nodes(std::vector<char>& held);

class NodalSystem {
 public:
  // held[v] != 0 marks a node whose voltage is given; node 0 (ground) is always held.
  NodalSystem(const Network& net, std::vector<char> held);

  int node_count() const { return static_cast<int>(held_.size()); }
  int free_count() const { return static_cast<int>(node_of_row_.size()); }
  bool is_held(int node) const { return held_[node] != 0; }

  // Per-edge branch conductance g_j (siemens, >= 0), read where it is: the array must stay valid,
  // and unchanged, until the next set_edge_siemens (call it again after changing the values).
  // Refactorises on the next solve.
  void set_edge_siemens(std::span<const double> siemens);

  // Solves KCL at the free nodes. node_volts (size node_count) carries the held voltages on entry
  // and every node voltage on return. inject_amps (per node, empty = none) is current injected
  // INTO a node by an ideal current source; offset_amps (per edge, empty = none) is the branch
  // offset current a -> b. Throws SimulationError "solver.singular" if a node floats.
  void solve(std::vector<double>& node_volts, std::span<const double> inject_amps = {},
             std::span<const double> offset_amps = {});

  // The same for `columns` drives at once: volts holds columns x node_count values (drive by
  // drive), inject_amps is empty or of the same shape. Each column is bit-identical to its own
  // solve() (the same operations in the same order), and every column shares one pass over the
  // edges and one factorisation.
  void solve_columns(std::span<double> volts, int columns, std::span<const double> inject_amps = {});

  // max over free rows and columns of |A x - b| / (|A| |x| + |b|): the backward error of the last
  // solve_columns, a check of the factorisation that costs one pass over the reduced matrix (not
  // over the edges). 0 when nothing was solved.
  double last_relative_residual();

  // Blocks of edges stamped as runs (stamp_plan.hpp; tests check that crossbars take that path).
  std::size_t run_blocks() const;

  // Numerical factorisations so far (tests use it to check that solves reuse them).
  int factorization_count() const { return factorizations_; }

 private:
  // SimplicialLDLT on a matrix already in its final order: the protected numeric step is called
  // directly, so a factorisation neither copies the matrix nor allocates.
  class Ldlt : public Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>, Eigen::Upper, Eigen::NaturalOrdering<int>> {
   public:
    void analyze(const Eigen::SparseMatrix<double>& upper) { analyzePattern(upper); }
    void refactor(const Eigen::SparseMatrix<double>& upper) { this->template factorize_preordered<true>(upper); }
    const Eigen::VectorXd& diagonal() const { return this->m_diag; }
  };

  void factorize();
  // The right-hand sides of the free rows, as columns of x_ (row = permuted index); with kStamp,
  // the conductances are stamped into the value array in the same pass.
  template <bool kStamp>
  void assemble(std::span<const double> volts, int columns, std::span<const double> inject_amps);
  void back_substitute(int columns);
  [[noreturn]] void throw_singular(int node, const std::string& why) const;
  void check_connected() const;

  std::vector<char> held_;
  std::vector<int> row_of_node_;  // node -> row of the reduced, permuted system; -1 if held
  std::vector<int> node_of_row_;  // row -> node
  std::vector<int> edge_a_, edge_b_;
  std::vector<std::string> node_names_;
  StampPlan plan_;  // per edge, where its conductance goes (stamp_plan.hpp)
  std::vector<int> diag_pos_;  // per row
  // The coupling edges alone, in edge order, for solves that do not restamp.
  std::vector<int> coupling_edge_, coupling_row_, coupling_node_;
  std::span<const double> siemens_;
  bool anchored_ = true;   // every free node reaches a held one through edges (any conductance)
  bool all_positive_ = false;  // every g_j > 0 (so the connectivity check is the structural one)

  Eigen::SparseMatrix<double> upper_;  // permuted reduced matrix, upper triangle
  Ldlt ldlt_;
  bool factorized_ = false;
  int factorizations_ = 0;
  std::vector<double> x_;  // free_count x columns workspace, grown, never shrunk
  std::vector<double> b_;  // the right-hand sides of the last solve_columns, for the residual
  std::vector<double> ax_, scale_;  // residual workspace
  int last_columns_ = 0;
};

}  // namespace spiceloop
