#include "emulator/study/ranks.hpp"

#include <cstdlib>
#include <vector>

#include "emulator/core/error.hpp"

#ifdef SPICELOOP_HAVE_MPI
#include <mpi.h>
#endif

namespace spiceloop::study {

namespace {
// Set by Open MPI's mpirun (and by PMIx / Slurm launchers) in every rank's environment.
int launcher_size() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"})
    if (const char* v = std::getenv(var)) return std::atoi(v);
  return 1;
}
}  // namespace

bool mpi_compiled() {
#ifdef SPICELOOP_HAVE_MPI
  return true;
#else
  return false;
#endif
}

Ranks& Ranks::world() {
  static Ranks r;
  return r;
}

Ranks::Ranks() {
  const int launched = launcher_size();
#ifdef SPICELOOP_HAVE_MPI
  if (launched > 1) {
    int done = 0;
    MPI_Initialized(&done);
    if (!done) MPI_Init(nullptr, nullptr);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    mpi_ = true;
    std::atexit([] {
      int finalized = 0;
      MPI_Finalized(&finalized);
      if (!finalized) MPI_Finalize();
    });
  }
#else
  if (launched > 1)
    throw InputError("sweep.no_mpi", "mpirun",
                     "this spiceloop was built without MPI; install libopenmpi-dev and rebuild, or run one process");
#endif
}

void Ranks::barrier() {
#ifdef SPICELOOP_HAVE_MPI
  if (mpi_) MPI_Barrier(MPI_COMM_WORLD);
#endif
}

std::string Ranks::gather(const std::string& mine) {
#ifdef SPICELOOP_HAVE_MPI
  if (mpi_) {
    int n = static_cast<int>(mine.size());
    std::vector<int> sizes(size_), offsets(size_);
    MPI_Gather(&n, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
    int total = 0;
    for (int r = 0; r < size_; ++r) offsets[r] = total, total += sizes[r];
    std::string all(rank_ == 0 ? total : 0, '\0');
    MPI_Gatherv(mine.data(), n, MPI_CHAR, all.data(), sizes.data(), offsets.data(), MPI_CHAR, 0, MPI_COMM_WORLD);
    return all;
  }
#endif
  return mine;
}

bool Ranks::broadcast(bool flag) {
#ifdef SPICELOOP_HAVE_MPI
  if (mpi_) {
    int v = flag ? 1 : 0;
    MPI_Bcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return v != 0;
  }
#endif
  return flag;
}

double Ranks::max(double x) {
#ifdef SPICELOOP_HAVE_MPI
  if (mpi_) {
    double out = x;
    MPI_Allreduce(&x, &out, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return out;
  }
#endif
  return x;
}

void Ranks::allgather_in_place(std::span<double> all, std::span<const int> counts) {
#ifdef SPICELOOP_HAVE_MPI
  if (mpi_) {
    std::vector<int> offsets(counts.size());
    int total = 0;
    for (std::size_t r = 0; r < counts.size(); ++r) offsets[r] = total, total += counts[r];
    MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, all.data(), counts.data(), offsets.data(), MPI_DOUBLE,
                   MPI_COMM_WORLD);
  }
#endif
}

void Ranks::abort(int code) {
#ifdef SPICELOOP_HAVE_MPI
  if (mpi_) MPI_Abort(MPI_COMM_WORLD, code);
#endif
  std::exit(code);
}

}  // namespace spiceloop::study
