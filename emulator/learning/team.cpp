#include "emulator/learning/team.hpp"

namespace spiceloop {

Share share_of(std::size_t n, int rank, int size) {
  const auto k = static_cast<std::size_t>(size), r = static_cast<std::size_t>(rank);
  const std::size_t base = n / k, extra = n % k;
  return {r * base + (r < extra ? r : extra), base + (r < extra ? 1 : 0)};
}

}  // namespace spiceloop
