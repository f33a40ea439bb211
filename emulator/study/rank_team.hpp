// The ranks of `mpirun -n K spiceloop train` as the trainer's Team (emulator/learning/team.hpp):
// the learning module names no MPI, the study's Ranks (ranks.hpp) does.
#pragma once

#include "emulator/learning/team.hpp"

namespace spiceloop::study {

class RankTeam final : public Team {
 public:
  int rank() const override;
  int size() const override;
  void allgather_in_place(std::span<double> all, std::span<const int> counts) override;
  double max(double x) override;
};

}  // namespace spiceloop::study
