#include "emulator/sim/simulator.hpp"

namespace spiceloop {

const char* phase_name(Phase p) {
  switch (p) {
    case Phase::Free: return "free";
    case Phase::Clamped: return "clamped";
    case Phase::Nudged: return "nudged";
    case Phase::Twin: return "twin";
  }
  return "?";
}

std::vector<State> Simulator::solve_batch(std::span<const Drive> drives) {
  std::vector<State> out;
  out.reserve(drives.size());
  for (const Drive& d : drives) out.push_back(solve(d));
  return out;
}

}  // namespace spiceloop
