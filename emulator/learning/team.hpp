// The processes that share one training run (data-parallel training, `mpirun -n K spiceloop
// train`). Each rank solves a contiguous share of every batch, and of every evaluation, on its own
// backend (its own ngspice workers); the node voltages are then gathered, in sample order, onto
// every rank, so that every rank runs the same edge pass over the same numbers in the same order.
// The update is thus summed per edge in sample order as one process sums it, and the run is
// bit-identical to one process for any K. (An MPI allreduce of the per-rank sums would not be: its
// order of additions is the library's.) The learning module names no MPI:
// emulator/study/rank_team.hpp implements Team over the sweep's ranks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace spiceloop {

class Team {
 public:
  virtual ~Team() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // all holds counts[r] values of rank r, rank after rank; on entry this rank's part is filled, on
  // return every part is, on every rank.
  virtual void allgather_in_place(std::span<double> all, std::span<const int> counts) = 0;
  // The maximum over ranks, on every rank.
  virtual double max(double x) = 0;
};

// Rank r's share of n items: [first, first + count), contiguous, in rank order, sizes differing by
// at most one (the first n mod size ranks take one more).
struct Share {
  std::size_t first = 0, count = 0;
};
Share share_of(std::size_t n, int rank, int size);

// Where a trainer's solve time went, on this rank: solving its share, and waiting for and
// exchanging the others' (zero for one process).
struct ShareTimes {
  double solve_seconds = 0.0, gather_seconds = 0.0;
  std::int64_t samples = 0;  // samples this rank solved (each all of its phases)
  std::int64_t rounds = 0;   // shared solves (batches or evaluations)
  std::int64_t values = 0;   // doubles gathered (all ranks' parts), over every round
};

}  // namespace spiceloop
