// The one boundary where emulator errors meet SCPI: a stand-in runs bench work (a solve, a
// conductance update) through guarded(), so a failed simulation becomes -200 "Execution error"
// carrying the error id (`-200,"Execution error;spice.worker_crashed"`), and nothing else escapes.
#pragma once

#include <utility>

#include "drivers/scpi/error.hpp"
#include "emulator/core/error.hpp"

namespace spiceloop::standins {

template <class F>
decltype(auto) guarded(F&& f) {
  try {
    return std::forward<F>(f)();
  } catch (const spiceloop::Error& e) {
    throw scpi::Error(scpi::err::execution, e.id());
  }
}

}  // namespace spiceloop::standins
