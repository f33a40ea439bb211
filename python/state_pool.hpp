// The State objects solve() hands to Python, reused. A State object that only this pool still holds
// (reference count 1: the caller has dropped it) gets the next result moved into it, in place of a
// new Python object per solve (allocation, pybind11's type lookup and instance registry: about a
// third of a lab16 solve from Python). Two slots, so that `s = sim.solve()` in a loop, which holds
// the previous result until the call returns, reuses as well. Nothing of a State is shared with what
// Python got from it (its properties return copies), so a reused object is never seen changing by
// anyone. Every call holds the GIL.
#pragma once

#include <array>
#include <cstddef>

#include <pybind11/pybind11.h>

#include "emulator/sim/state.hpp"

namespace spiceloop::python {

class StatePool {
 public:
  StatePool() = default;
  StatePool(const StatePool&) = delete;
  StatePool& operator=(const StatePool&) = delete;
  ~StatePool();

  pybind11::object give(State&& state);

 private:
  struct Slot {
    pybind11::object object;
    State* state = nullptr;  // the C++ State inside object
  };
  std::array<Slot, 2> slots_;
  std::size_t next_ = 0;  // the slot a new object replaces when both are held
};

}  // namespace spiceloop::python
