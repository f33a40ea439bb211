// What the two HIL backends (hil_simulator, board_simulator) share: a driver failure becomes a
// SimulationError hil.instrument, which the trainer treats like a failed solve (it stops with the
// last checkpoint intact) and the CLI prints with its id; and the tolerance within which an edge
// the instruments cannot set counts as keeping its value.
#pragma once

#include <algorithm>
#include <cmath>

#include "drivers/client/client_error.hpp"
#include "emulator/core/error.hpp"

namespace spiceloop::hil {

template <class F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const client::ClientError& e) {
    throw SimulationError("hil.instrument", e.address(), e.what());
  }
}

inline bool same_value(double a, double b) { return std::abs(a - b) <= 1e-12 * std::max(std::abs(a), std::abs(b)); }

}  // namespace spiceloop::hil
