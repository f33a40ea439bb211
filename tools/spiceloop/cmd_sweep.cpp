// spiceloop sweep SWEEP.json: the finite-nudging study (emulator/study/sweep.hpp). The same command
// under `mpirun -n K` spreads the grid over K ranks and writes one results file. --perf prints
// grid points per second on each backend, and under mpirun the speed-up of K ranks over one.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "emulator/study/ranks.hpp"
#include "emulator/study/sweep.hpp"
#include "tools/spiceloop/commands.hpp"

namespace spiceloop::cli {

namespace {

struct SweepArgs {
  std::string sweep;
  std::string out = "runs/sweep";
  std::string backend;  // empty: the sweep's own axis
  bool no_plot = false;
  bool quiet_progress = false;
  std::int64_t max_points = -1;
  bool perf = false;
  std::int64_t perf_points = 0;  // 0: the whole grid (up to 2,000) on ideal, 24 on ngspice
  double flush_seconds = study::SweepOptions{}.flush_seconds;
  int threads = 0;  // 0: the cores shared out among the ranks
};

// Threads per rank: as asked, else this machine's cores over the ranks (at least 1).
int threads_per_rank(int asked) {
  if (asked > 0) return asked;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, cores / study::Ranks::world().size());
}

// The study's SimulatorFactory: the one factory, on the backends a sweep names.
std::unique_ptr<Simulator> sweep_simulator(const std::string& backend, const SolverOptions& tolerances) {
  return make_simulator({backend, tolerances, {}});
}

// Grid points per second on each backend over the first perf_points points (default: the whole
// grid up to 2,000 points on the ideal backend, 24 on ngspice), in a scratch directory; on the
// ideal backend also the same sample stored the way sweeps did before chunks (one fsynced file per
// point: flush_points 1), side by side. Under MPI also the same sample on rank 0 alone, for the
// speed-up.
void perf(const study::SweepSpec& base, const SweepArgs& a) {
  namespace fs = std::filesystem;
  auto& ranks = study::Ranks::world();
  for (const std::string backend : {"ideal", "ngspice"}) {
    study::SweepSpec spec = base;
    spec.backends = {backend};
    const std::int64_t sample = a.perf_points > 0 ? a.perf_points : backend == "ideal" ? 2000 : 24;
    const auto timed = [&](bool rank0_only, std::int64_t flush_points, int threads) {
      const fs::path dir = fs::path(a.out) / fmt::format("perf-{}-{}", backend, rank0_only ? 1 : ranks.size());
      if (ranks.rank() == 0) fs::remove_all(dir);
      ranks.barrier();
      study::SweepOptions opt;
      opt.out_dir = dir;
      opt.factory = sweep_simulator;
      opt.plot = false;
      opt.progress = false;
      opt.write_outputs = false;
      opt.first_points = sample;
      opt.rank0_only = rank0_only;
      opt.flush_points = flush_points;
      opt.threads = threads;
      const auto r = study::run_sweep(spec, opt);
      ranks.barrier();
      if (ranks.rank() == 0) fs::remove_all(dir);
      return r;
    };
    const int threads = threads_per_rank(a.threads);
    const auto r = timed(false, study::SweepOptions{}.flush_points, threads);
    if (ranks.rank() == 0) {
      fmt::print("perf sweep {}: {} points in {:.3f} s on {} rank(s) x {} thread(s): {:.1f} grid points/s", backend,
                 r.measured, r.seconds, ranks.size(), threads, r.measured / r.seconds);
      // ngspice solves in worker processes, whose CPU time is not counted here.
      if (backend == "ideal") fmt::print(" ({:.1f} per CPU second)", r.measured / r.cpu_seconds);
      fmt::print(", points stored in chunks\n");
    }
    if (backend == "ideal") {
      if (threads > 1) {
        const auto single = timed(false, study::SweepOptions{}.flush_points, 1);
        if (ranks.rank() == 0)
          fmt::print("perf sweep {}: {} points in {:.3f} s on {} rank(s) x 1 thread: {:.1f} grid points/s ({:.1f} per CPU "
                     "second), points stored in chunks\n",
                     backend, single.measured, single.seconds, ranks.size(), single.measured / single.seconds,
                     single.measured / single.cpu_seconds);
      }
      const auto old = timed(false, 1, 1);
      if (ranks.rank() == 0)
        fmt::print("perf sweep {}: {} points in {:.3f} s on {} rank(s) x 1 thread: {:.1f} grid points/s ({:.1f} per CPU "
                   "second), one fsynced file per point (as before chunks and threads): {:.2f}x slower\n",
                   backend, old.measured, old.seconds, ranks.size(), old.measured / old.seconds,
                   old.measured / old.cpu_seconds, old.seconds / r.seconds);
    }
    if (ranks.size() > 1) {
      const auto one = timed(true, study::SweepOptions{}.flush_points, threads);
      if (ranks.rank() == 0)
        fmt::print("perf sweep {}: 1 rank {:.3f} s, {} ranks {:.3f} s: speed-up {:.2f}\n", backend, one.seconds,
                   ranks.size(), r.seconds, one.seconds / r.seconds);
    }
    std::fflush(stdout);
  }
  if (ranks.size() == 1 && ranks.rank() == 0)
    fmt::print("(run under `mpirun -n 2 spiceloop sweep ... --perf` for the speed-up{})\n",
               study::mpi_compiled() ? "" : "; this build has no MPI");
}

void run(const SweepArgs& a) {
  study::SweepSpec spec = study::load_sweep_file(a.sweep);
  if (!a.backend.empty()) spec.backends = {a.backend};
  if (a.perf) return perf(spec, a);
  auto& ranks = study::Ranks::world();
  study::SweepOptions opt;
  opt.out_dir = a.out;
  opt.factory = sweep_simulator;
  opt.plot = !a.no_plot;
  opt.progress = !a.quiet_progress;
  opt.max_points = a.max_points;
  opt.flush_seconds = a.flush_seconds;
  opt.threads = threads_per_rank(a.threads);
  const auto r = study::run_sweep(spec, opt);
  if (ranks.rank() != 0) return;
  fmt::print("sweep {}: {} points ({} measured now, {} resumed) on {} rank(s) in {:.2f} s\n", a.sweep, r.points,
             r.measured, r.resumed, ranks.size(), r.seconds);
  if (r.complete)
    fmt::print("results in {}, fits in {}\n", r.results.string(), r.summary.string());
  else
    fmt::print("stopped early; run the same command again to resume\n");
}

}  // namespace

void add_sweep(CLI::App& app) {
  auto args = std::make_shared<SweepArgs>();
  auto* cmd = app.add_subcommand("sweep", "Finite-nudging sweep: drift of the CL/EP conservation law against theory");
  cmd->add_option("sweep", args->sweep, "Sweep JSON (e.g. netlists/sweeps/scaling.json)")->required();
  cmd->add_option("--out", args->out, "Output directory (resumes the points already in it)")->capture_default_str();
  cmd->add_option("--backend", args->backend, "Override the sweep's backend axis: ideal or ngspice")
      ->check(CLI::IsMember({"ideal", "ngspice"}));
  cmd->add_flag("--no-plot", args->no_plot, "Skip tools/plot_sweep.py");
  cmd->add_flag("--no-progress", args->quiet_progress, "No progress lines on stderr");
  cmd->add_option("--max-points", args->max_points, "Stop after measuring this many points per rank, as if killed");
  cmd->add_flag("--perf", args->perf, "Print grid points per second on each backend (and the MPI speed-up)");
  cmd->add_option("--perf-points", args->perf_points,
                  "Grid points --perf measures (default: the whole grid up to 2,000 on ideal, 24 on ngspice)");
  cmd->add_option("--flush-seconds", args->flush_seconds,
                  "Write finished points to disk at least this often (what a kill can lose)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--threads", args->threads, "Threads per rank (default: the cores over the ranks); same results")
      ->check(CLI::NonNegativeNumber);
  add_renamed_option(*cmd, "--bench", "--perf", false);
  add_renamed_option(*cmd, "--bench-points", "--perf-points", true);
  cmd->callback([args] { run(*args); });
}

}  // namespace spiceloop::cli
