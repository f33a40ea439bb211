// A Python-owned Simulator: the backend, the mutex that keeps two Python threads from running it at
// once (the library's simulators are one-thread objects) and what makes a small solve cheap.
//
// run() releases the GIL around the call, so other Python threads go on while a backend works.
// run_short() keeps it for a solve known to be short: the in-process ideal backend on a linear network
// of at most kShortSolveEdges edges (measured: 480 edges, a 16x16 lattice, solve in about 6.5 us;
// lab16 in 0.24 us). Releasing and retaking the GIL costs about 0.05 us, a fifth of lab16's solve,
// and when other Python threads are busy the retake waits for one of them; holding it for a few
// microseconds costs them nothing noticeable (Python itself switches threads every 5 ms). Longer
// solves (ngspice, hil, nonlinear or larger networks) release it. Ctrl-C is seen between calls
// either way. If the mutex is taken (another thread's solve or training run, which may be waiting
// for the GIL we hold), run_short() releases the GIL and waits as run() does: never a deadlock.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>

#include <pybind11/pybind11.h>

#include "emulator/sim/simulator.hpp"
#include "python/state_pool.hpp"

namespace spiceloop::python {

inline constexpr std::size_t kShortSolveEdges = 500;

struct SimulatorHandle {
  std::shared_ptr<Simulator> sim;
  std::shared_ptr<std::recursive_mutex> mutex = std::make_shared<std::recursive_mutex>();  // recursive: a training callback may solve
  // Whether the network loaded now solves short (see above); set by note_loaded() after every load.
  std::shared_ptr<std::atomic<bool>> short_solves = std::make_shared<std::atomic<bool>>(false);
  std::shared_ptr<StatePool> states = std::make_shared<StatePool>();

  template <class F>
  auto run(F&& f) {
    pybind11::gil_scoped_release released;
    std::lock_guard lock(*mutex);
    return f(*sim);
  }

  template <class F>
  auto run_short(F&& f) {
    if (short_solves->load(std::memory_order_relaxed) && mutex->try_lock()) {
      std::lock_guard lock(*mutex, std::adopt_lock);
      return f(*sim);
    }
    return run(std::forward<F>(f));
  }

  // After a network was loaded into sim (by load(), a Trainer or train()): decides run_short's way.
  void note_loaded();
};

// The Python classes Ideal and Ngspice (subclasses of Simulator there).
struct IdealHandle : SimulatorHandle {};
struct NgspiceHandle : SimulatorHandle {};

}  // namespace spiceloop::python
