// Where each edge's conductance goes in a reduced nodal system (nodal_system.hpp), made once per
// held set, and the pass that writes a set of conductances there with the right-hand sides.
// A coupling edge (one free end) adds g to its free row's diagonal and g * V_held to that row's
// right side: place = {row, held node, diagonal position}. An internal edge (both ends free) adds
// g at (a, a) and (b, b) and -g at (a, b): place holds those three positions in the value array.
// Runs of eight coupling edges into eight consecutive rows whose diagonals are consecutive too,
// from one held node or from eight consecutive ones (a crossbar's columns in the usual edge
// order), are stamped eight at a time in vector registers; the eight touch eight different
// entries, so every entry still sums its terms in edge order and the result is the edge-by-edge
// one on every instruction set (stamp_plan.cpp is compiled without contraction into FMAs).
#pragma once

#include <array>
#include <cstddef>
#include <vector>

namespace spiceloop {

struct StampPlan {
  enum class Role : unsigned char { None, Coupling, Internal };
  static constexpr std::size_t kRun = 8;
  enum class Run : unsigned char { Edges, SameNode, ConsecutiveNodes };

  std::vector<Role> role;                  // per edge
  std::vector<std::array<int, 3>> place;   // per edge, as above
  std::vector<Run> run;                    // per whole block of kRun edges

  // Sets `run` from role and place.
  void find_runs();
};

// Stamps conductances g (per edge) into values (zeroed by the caller) and adds each coupling
// edge's g * V_held to the right sides x (columns of nf rows, row = permuted index) from node
// voltages v (columns of n nodes). Returns whether every g is > 0.
bool stamp_edges(const StampPlan& plan, const double* g, double* values, double* x, const double* v, int columns,
                 int nf, int n);

}  // namespace spiceloop
