#include "emulator/study/drift.hpp"

#include <cmath>

namespace spiceloop::study {

InvariantStep invariant_step(const Network& net, std::span<const double> k, std::span<const double> dk) {
  InvariantStep s;
  double g_k2 = 0, g_r2 = 0, g_lnk = 0, dk2 = 0;
  for (std::size_t j = 0; j < net.edges.size(); ++j) {
    const Edge& e = net.edges[j];
    if (!e.trainable || !e.is_linear()) continue;
    const double kj = k[j], d = dk[j], kn = kj + d;
    s.nudge_k2 += 2.0 * kj * d;
    s.euler_k2 += d * d;
    // R' - R = -d / (k k'), and R'^2 - R^2 = (R' - R)(R' + R).
    s.d_r2 += (-d / (kj * kn)) * (1.0 / kn + 1.0 / kj);
    s.d_lnk += std::log1p(d / kj);
    g_k2 += 4.0 * kj * kj;
    g_r2 += 4.0 / (kj * kj * kj * kj * kj * kj);
    g_lnk += 1.0 / (kj * kj);
    dk2 += d * d;
  }
  s.d_k2 = s.nudge_k2 + s.euler_k2;
  const double len = std::sqrt(dk2);
  s.scale_k2 = std::sqrt(g_k2) * len;
  s.scale_r2 = std::sqrt(g_r2) * len;
  s.scale_lnk = std::sqrt(g_lnk) * len;
  return s;
}

}  // namespace spiceloop::study
