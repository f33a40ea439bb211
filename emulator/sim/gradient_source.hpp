// What an exact backend offers beyond Simulator: the true loss gradient with respect to every
// edge's value, so that learning code can measure a rule against it without naming the backend
// (the ideal backend implements it; trainers find it with dynamic_cast on their oracle).
// L = 1/2 |T - V_O^F|^2 at the free state of free_drive; dL/dp_j per edge, p_j the edge's value as
// Network::conductances lists it (siemens: V^2/S; transistor gate volts: V); 0 for diodes.
#pragma once

#include <span>
#include <vector>

#include "emulator/sim/simulator.hpp"

namespace spiceloop {

class GradientSource {
 public:
  virtual ~GradientSource() = default;
  virtual std::vector<double> loss_gradient(const Drive& free_drive, std::span<const double> targets) = 0;
};

}  // namespace spiceloop
