// The extension module _spiceloop, which the package spiceloop (python/spiceloop/__init__.py)
// re-exports: a thin layer over the C++ library, one binding file per area.
#include "python/bindings.hpp"

PYBIND11_MODULE(_spiceloop, m) {
  namespace sp = spiceloop::python;
  m.doc() = "spiceloop: SPICE-coupled emulator of physical learning machines (networks, simulators, "
            "the Eigen oracle, training, sweeps, the instruments)";
  sp::bind_errors(m);
  sp::bind_networks(m);
  sp::bind_simulators(m);
  sp::bind_oracle(m);
  sp::bind_training(m);
  sp::bind_study(m);
  sp::bind_instruments(m);
}
