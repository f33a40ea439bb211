// The reduced nodal system of a network for one held set: the Laplacian rows and columns of the
// free (unheld) nodes, with the held nodes (ground, input sources, clamped outputs) moved to the
// right-hand side. Every edge is a linear branch i_j = g_j * dV_j + offset_j (amperes, a -> b):
// resistors have offset 0; a diode linearised by Newton has its companion offset.
//
// The sparsity pattern and its symbolic analysis (AMD ordering) are made once per held set; new
// edge conductances refactorise numerically on the next solve, and solves at unchanged
// conductances only back-substitute. Units: siemens, volts, amperes.
#pragma once

#include <Eigen/SparseCholesky>
#include <Eigen/SparseCore>
#include <span>
#include <string>
#include <vector>

#include "emulator/network/network.hpp"

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
  int free_count() const { return static_cast<int>(free_nodes_.size()); }
  bool is_held(int node) const { return held_[node] != 0; }

  // Per-edge branch conductance g_j (siemens, >= 0). Refactorises on the next solve.
  void set_edge_siemens(std::span<const double> siemens);
  std::span<const double> edge_siemens() const { return siemens_; }

  // Solves KCL at the free nodes. node_volts (size node_count) carries the held voltages on entry
  // and every node voltage on return. inject_amps (per node, empty = none) is current injected
  // INTO a node by an ideal current source; offset_amps (per edge, empty = none) is the branch
  // offset current a -> b. Throws SimulationError "solver.singular" if a node floats.
  void solve(std::vector<double>& node_volts, std::span<const double> inject_amps = {},
             std::span<const double> offset_amps = {});

  // Numerical factorisations so far (tests use it to check that solves reuse them).
  int factorization_count() const { return factorizations_; }

 private:
  void factorize();
  [[noreturn]] void throw_singular(int node, const std::string& why) const;
  void check_connected() const;

  std::vector<char> held_;
  std::vector<int> free_index_;  // node -> row of the reduced system, -1 if held
  std::vector<int> free_nodes_;  // row -> node
  std::vector<int> edge_a_, edge_b_;
  std::vector<std::string> node_names_;
  // Positions of each edge's stamps in the lower-triangle value array (-1: not stamped).
  std::vector<int> pos_aa_, pos_bb_, pos_ab_;
  std::vector<double> siemens_;

  Eigen::SparseMatrix<double> matrix_;  // lower triangle only
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>, Eigen::Lower> ldlt_;
  bool factorized_ = false;
  int factorizations_ = 0;
  Eigen::VectorXd rhs_;
};

}  // namespace spiceloop
