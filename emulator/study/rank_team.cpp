#include "emulator/study/rank_team.hpp"

#include "emulator/study/ranks.hpp"

namespace spiceloop::study {

int RankTeam::rank() const { return Ranks::world().rank(); }
int RankTeam::size() const { return Ranks::world().size(); }
void RankTeam::allgather_in_place(std::span<double> all, std::span<const int> counts) {
  Ranks::world().allgather_in_place(all, counts);
}
double RankTeam::max(double x) { return Ranks::world().max(x); }

}  // namespace spiceloop::study
