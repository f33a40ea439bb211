#include "emulator/study/sweep.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include <time.h>

#include "emulator/core/error.hpp"
#include "emulator/core/log.hpp"
#include "emulator/core/progress.hpp"
#include "emulator/core/atomic_file.hpp"
#include "emulator/study/fits.hpp"
#include "emulator/study/measure.hpp"
#include "emulator/study/plot_sweep.hpp"
#include "emulator/study/point_network.hpp"
#include "emulator/study/point_store.hpp"
#include "emulator/study/ranks.hpp"
#include "emulator/study/result_row.hpp"
#include "emulator/study/result_table.hpp"
#include "emulator/study/small_nudge.hpp"

namespace spiceloop::study {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// This process's CPU time (every thread), seconds.
double process_cpu_seconds() {
  timespec t{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

std::string sim_key(const SweepPoint& p) {
  return p.backend == "ideal" ? p.backend
                              : fmt::format("{} {:.17g} {:.17g} {:.17g} {:.17g}", p.backend, p.tolerances.reltol,
                                            p.tolerances.abstol_amps, p.tolerances.vntol_volts, p.tolerances.gmin_siemens);
}

// Rows of "index,..." lines sorted by index (the gather concatenates ranks, not indices).
std::vector<std::string> sorted_rows(const std::string& text) {
  std::vector<std::pair<std::int64_t, std::string>> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) rows.emplace_back(std::stoll(line.substr(0, line.find(','))), line);
  std::sort(rows.begin(), rows.end());
  std::vector<std::string> out;
  for (auto& r : rows) out.push_back(std::move(r.second));
  return out;
}


}  // namespace

SweepOutcome run_sweep(const SweepSpec& spec, const SweepOptions& opt) {
  Ranks& ranks = Ranks::world();
  std::vector<SweepPoint> points = expand_grid(spec);
  if (opt.first_points >= 0 && opt.first_points < static_cast<std::int64_t>(points.size())) points.resize(opt.first_points);
  PointStore store(opt.out_dir);
  SweepOutcome out;
  out.points = static_cast<std::int64_t>(points.size());

  // Rank 0 claims the directory first; a refusal reaches every rank, not only rank 0.
  std::string claim_error;
  if (ranks.rank() == 0) {
    try {
      store.claim(spec.document);
    } catch (const Error& e) {
      claim_error = e.what();
    }
  }
  if (ranks.broadcast(!claim_error.empty())) {
    if (ranks.rank() == 0) throw InputError("sweep.changed", opt.out_dir.string(), claim_error);
    throw InputError("sweep.changed", opt.out_dir.string(), "rank 0 refused the output directory");
  }

  store.load();

  std::vector<Network> networks;
  for (int n = 0; n < static_cast<int>(spec.networks.size()); ++n) networks.push_back(load_sweep_network(spec, n));

  std::string mine;
  std::int64_t measured = 0, resumed = 0, done = 0, mine_total = 0;
  std::vector<const SweepPoint*> todo;  // this rank's points not on disk, in index order
  for (const auto& p : points) {
    if ((opt.rank0_only ? 0 : p.index % ranks.size()) != ranks.rank()) continue;
    ++mine_total;
    if (auto row = store.find(p.index)) {
      mine += *row + "\n";
      ++resumed, ++done;
    } else {
      todo.push_back(&p);
    }
  }
  // Several ranks share one terminal: each logs lines rather than redrawing a bar.
  WorkProgress progress(!opt.progress ? ProgressMode::Off : ranks.size() > 1 ? ProgressMode::Lines : ProgressMode::Auto,
                        ranks.size() > 1 ? fmt::format("sweep rank {}", ranks.rank()) : std::string("sweep"), mine_total,
                        "points");
  progress.lines_every = 2.0;
  progress.update(done, resumed);
  std::string failure;
  std::int64_t failed_index = -1;
  bool stopped = false;
  std::exception_ptr crash;  // anything but an Error, rethrown once the threads are joined
  const auto t0 = Clock::now();
  const double cpu0 = process_cpu_seconds();
  auto last_flush = t0;
  std::vector<std::string> new_rows(todo.size());
  std::mutex lock;  // the store, the counters, the progress and the failure
  std::atomic<std::size_t> next{0};
  std::atomic<bool> quit{false};
  // Each thread takes the next point in index order (so that --max-points N measures the first N
  // points left, as one thread would) and owns its simulators, as each rank does. A point's row
  // depends on the point alone, so any number of threads gives the same rows.
  const auto work = [&] {
    std::map<std::string, std::unique_ptr<Simulator>> sims;
    while (!quit) {
      const std::size_t k = next++;
      if (k >= todo.size()) return;
      const SweepPoint& p = *todo[k];
      if (opt.max_points >= 0 && static_cast<std::int64_t>(k) >= opt.max_points) {
        const std::lock_guard<std::mutex> g(lock);
        stopped = true;
        return;
      }
      try {
        auto& sim = sims[sim_key(p)];
        // The ideal backend measures physics: Newton to its rounding floor (small_nudge.hpp).
        if (!sim) sim = opt.factory(p.backend, p.backend == "ideal" ? exact_options() : p.tolerances);
        const PointCircuit circuit = build_point_circuit(spec, networks[p.network], p);
        const PointResult r = measure_point(circuit, p, spec.convention, spec.max_steps, *sim);
        new_rows[k] = format_row(spec, p, r);
        const std::lock_guard<std::mutex> g(lock);
        // Finished rows reach disk in chunks (point_store.hpp): at most flush_points rows or
        // flush_seconds of work are lost to a kill.
        store.put(p.index, new_rows[k]);
        ++measured, ++done;
        if (store.pending() >= opt.flush_points || since(last_flush) >= opt.flush_seconds) {
          store.flush();
          last_flush = Clock::now();
        }
        progress.update(done, resumed);
      } catch (const Error& e) {
        // Keep going so that the other ranks are not left waiting in the gather; reported below
        // (the lowest failed index, whatever the threads' timing).
        const std::lock_guard<std::mutex> g(lock);
        if (failed_index < 0 || p.index < failed_index) {
          failed_index = p.index;
          failure = fmt::format("point {}: {}", p.index, e.what());
        }
        log::error("sweep: rank {}: point {}: {}", ranks.rank(), p.index, e.what());
        quit = true;
      } catch (...) {
        const std::lock_guard<std::mutex> g(lock);
        if (!crash) crash = std::current_exception();
        quit = true;
      }
    }
  };
  const int threads = static_cast<int>(std::clamp<std::int64_t>(opt.threads, 1, std::max<std::int64_t>(1, static_cast<std::int64_t>(todo.size()))));
  {
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
  }
  if (crash) std::rethrow_exception(crash);
  store.flush();
  for (const auto& row : new_rows)
    if (!row.empty()) mine += row + "\n";
  progress.update(done, resumed);
  progress.finish();
  out.seconds = ranks.max(since(t0));
  out.cpu_seconds = ranks.max(process_cpu_seconds() - cpu0);
  const std::string counts = ranks.gather(fmt::format("{} {} {}\n", measured, resumed, failure.empty() && !stopped ? 0 : 1));
  const std::string all = ranks.gather(mine);
  const bool failed = ranks.max(failure.empty() ? 0.0 : 1.0) > 0.0;
  const bool incomplete = ranks.max(stopped ? 1.0 : 0.0) > 0.0;
  if (ranks.rank() == 0) {
    std::istringstream in(counts);
    std::int64_t m = 0, r = 0, f = 0;
    out.measured = out.resumed = 0;
    while (in >> m >> r >> f) out.measured += m, out.resumed += r;
  }
  if (failed)
    throw SimulationError("sweep.point_failed", opt.out_dir.string(),
                          failure.empty() ? "a point failed on another rank (see its log); rerun to resume"
                                          : failure + "; rerun to resume");
  if (incomplete || ranks.rank() != 0 || !opt.write_outputs) return out;

  // Rank 0: one file in index order, then the fits from that file alone.
  const std::vector<std::string> rows = sorted_rows(all);
  std::string csv = results_header() + "\n";
  for (const auto& r : rows) csv += r + "\n";
  out.results = opt.out_dir / "results.csv";
  write_file_atomically(out.results, csv);

  nlohmann::json summary = {
      {"spiceloop_sweep", 1},
      {"source", spec.source},
      {"convention", convention_name(spec.convention)},
      {"convention_note", "code: dk = -(alpha/nu)[(dV^nu)^2 - (dV^F)^2]; half: with 1/2 in front; "
                          "nudge_pred = -f alpha nu S with f = 2 (code) or 1 (half)"},
      {"points", out.points},
      {"measured_now", out.measured},
      {"resumed", out.resumed},
      {"ranks", ranks.size()},
      {"seconds", out.seconds},
      {"points_per_second", out.seconds > 0 ? out.measured / out.seconds : 0.0},
      {"fits", fit_results(ResultTable::parse(csv))}};
  out.summary = opt.out_dir / "summary.json";
  write_file_atomically(out.summary, summary.dump(2) + "\n");
  if (opt.plot) plot_sweep(out.results, opt.out_dir, opt.plot_script);
  out.complete = true;
  return out;
}

}  // namespace spiceloop::study
