// The processes of one sweep: MPI ranks when the binary was built with MPI (SPICELOOP_HAVE_MPI) and
// launched by mpirun, else a single rank. MPI is initialised once per process, on first use, and
// finalised at exit; a plain run never touches MPI (no singleton start-up cost or warnings).
// Launched by mpirun without MPI support, every copy would redo the whole sweep into the same
// files: that is refused with InputError "sweep.no_mpi".
#pragma once

#include <span>
#include <string>

namespace spiceloop::study {

class Ranks {
 public:
  static Ranks& world();

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool mpi() const { return mpi_; }

  void barrier();
  // Concatenates every rank's text on rank 0, in rank order; other ranks get "".
  std::string gather(const std::string& mine);
  // The flag of rank 0, on every rank.
  bool broadcast(bool flag);
  // The maximum over ranks, on every rank.
  double max(double x);
  // all holds counts[r] values of rank r, rank after rank; this rank's part filled on entry, every
  // part on return, on every rank.
  void allgather_in_place(std::span<double> all, std::span<const int> counts);
  // Ends every rank at once with this exit code (an error on one rank must not leave the others
  // waiting in a collective); a single process just exits.
  [[noreturn]] void abort(int code);

 private:
  Ranks();
  int rank_ = 0, size_ = 1;
  bool mpi_ = false;
};

// Whether this binary has MPI support compiled in.
bool mpi_compiled();

}  // namespace spiceloop::study
