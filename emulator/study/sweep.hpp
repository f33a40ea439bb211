// A whole sweep, as `spiceloop sweep` runs it: expand the grid, give point i to rank i mod size,
// measure each point not already on disk (point_store.hpp; written in chunks), gather every row on rank 0, and write
//   DIR/results.csv   one row per point (and seed), in index order (result_row.hpp)
//   DIR/summary.json  what was run, the timing, and the fits (fits.hpp)
//   DIR/*.png         tools/plot_sweep.py, when python3 and matplotlib are there (else a warning)
// The study never names a backend: the caller supplies a factory, and each rank builds its own
// simulators (one per backend and tolerance set), so each ngspice worker belongs to one rank
// (and, with several threads per rank, to one thread).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "emulator/sim/simulator.hpp"
#include "emulator/study/sweep_spec.hpp"

namespace spiceloop::study {

using SimulatorFactory = std::function<std::unique_ptr<Simulator>(const std::string& backend, const SolverOptions&)>;

struct SweepOptions {
  std::filesystem::path out_dir = "runs/sweep";
  SimulatorFactory factory;
  bool plot = true;
  std::filesystem::path plot_script;  // empty: tools/plot_sweep.py, searched (core/plot_script.hpp)
  bool progress = true;               // a bar on a terminal, else lines every 2 s (core/progress.hpp)
  std::int64_t max_points = -1;       // stop after measuring this many points in this call, as if killed
  std::int64_t first_points = -1;     // only grid points with index below this (the bench's sample)
  bool rank0_only = false;            // every point on rank 0 (the 1-process reference of the bench)
  bool write_outputs = true;          // results.csv and summary.json (off: timing only)
  // Finished points are written as one chunk file (point_store.hpp) every flush_points points or
  // flush_seconds seconds, whichever comes first, and when the call ends: what a kill can lose.
  std::int64_t flush_points = 4096;
  double flush_seconds = 1.0;
  // Threads of this rank: each takes the next point and owns its simulators (and ngspice
  // workers). The rows do not depend on it.
  int threads = 1;
};

struct SweepOutcome {
  std::int64_t points = 0;    // in the grid
  std::int64_t measured = 0;  // by this call, over all ranks
  std::int64_t resumed = 0;   // found on disk, over all ranks
  bool complete = false;      // every point done and the outputs written
  double seconds = 0.0;       // wall time of the measuring phase (slowest rank)
  double cpu_seconds = 0.0;   // CPU time of the measuring phase (most on one rank): what a loaded machine does not inflate
  std::filesystem::path results, summary;
};

// Collective under MPI: every rank calls it with the same arguments. Throws InputError for a bad
// sweep or directory, SimulationError for a failed point (its rank stops; rerun to resume).
SweepOutcome run_sweep(const SweepSpec& spec, const SweepOptions& options);

}  // namespace spiceloop::study
