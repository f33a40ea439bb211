// How well the parameters a run of the learning machine in time ended with classify: the fraction of
// test samples (and of training samples) whose free state reads as their class (tasks' readout), solved
// exactly on the ideal backend. For the noise study (issue 12c), where it is the cost of noise.
#pragma once

#include <optional>
#include <vector>

#include "emulator/dynamics/machine.hpp"

namespace spiceloop {

struct Accuracy {
  double test = 0.0, train = 0.0;
};

// nullopt when the task has no readout (allostery, regression) or no test set.
std::optional<Accuracy> classification_accuracy(const Machine& m, const std::vector<double>& p);

}  // namespace spiceloop
