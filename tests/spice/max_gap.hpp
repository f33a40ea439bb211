// The agreement measure of the backend-agreement tests: the largest |a_i - b_i| over two vectors
// of node voltages (volts).
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace spiceloop::test {

inline double max_gap(const std::vector<double>& a, const std::vector<double>& b) {
  double worst = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

}  // namespace spiceloop::test
