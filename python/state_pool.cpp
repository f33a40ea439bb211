#include "python/state_pool.hpp"

namespace spiceloop::python {

namespace py = pybind11;

StatePool::~StatePool() {
  if (!Py_IsInitialized()) {  // at interpreter exit the objects are gone already
    for (Slot& s : slots_) s.object.release();
    return;
  }
  py::gil_scoped_acquire gil;
  for (Slot& s : slots_) s.object = py::object();
}

py::object StatePool::give(State&& state) {
  for (Slot& s : slots_)
    if (s.object && Py_REFCNT(s.object.ptr()) == 1) {
      *s.state = std::move(state);
      return s.object;
    }
  Slot& s = slots_[next_];
  next_ = (next_ + 1) % slots_.size();
  s.object = py::cast(std::move(state));
  s.state = s.object.cast<State*>();
  return s.object;
}

}  // namespace spiceloop::python
