// A Python-owned Simulator: the backend and the mutex that keeps two Python threads from running
// it at once (the library's simulators are one-thread objects). run() releases the GIL around the
// call, so other Python threads go on while a backend solves.
#pragma once

#include <memory>
#include <mutex>

#include <pybind11/pybind11.h>

#include "emulator/sim/simulator.hpp"

namespace spiceloop::python {

struct SimulatorHandle {
  std::shared_ptr<Simulator> sim;
  std::shared_ptr<std::recursive_mutex> mutex = std::make_shared<std::recursive_mutex>();  // recursive: a training callback may solve

  template <class F>
  auto run(F&& f) {
    pybind11::gil_scoped_release released;
    std::lock_guard lock(*mutex);
    return f(*sim);
  }
};

// The Python classes Ideal and Ngspice (subclasses of Simulator there).
struct IdealHandle : SimulatorHandle {};
struct NgspiceHandle : SimulatorHandle {};

}  // namespace spiceloop::python
