#include "emulator/solver/stamp_plan.hpp"

#include <cstring>

namespace spiceloop {

void StampPlan::find_runs() {
  run.assign(role.size() / kRun, Run::Edges);
  for (std::size_t blk = 0; blk < run.size(); ++blk) {
    const std::size_t j0 = blk * kRun;
    const std::array<int, 3>& first = place[j0];
    bool rows = true, same = true, consecutive = true;
    for (std::size_t l = 0; l < kRun; ++l) {
      const std::array<int, 3>& p = place[j0 + l];
      const int dl = static_cast<int>(l);
      rows = rows && role[j0 + l] == Role::Coupling && p[0] == first[0] + dl && p[2] == first[2] + dl;
      same = same && p[1] == first[1];
      consecutive = consecutive && p[1] == first[1] + dl;
    }
    if (rows && same) run[blk] = Run::SameNode;
    else if (rows && consecutive) run[blk] = Run::ConsecutiveNodes;
  }
}

// No 64-byte vector crosses a call here, so GCC's ABI note does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"
using v8d = double __attribute__((vector_size(64)));
using v8l = long long __attribute__((vector_size(64)));
static_assert(StampPlan::kRun == 8, "a run is one vector of eight doubles");

// Compiled for AVX-512, AVX2 and the baseline: a run is a few vector instructions, the rest is the
// same scalar code on each.
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
bool stamp_edges(const StampPlan& plan, const double* g, double* values, double* x, const double* v, int columns,
                 int nf, int n) {
  using Role = StampPlan::Role;
  using Run = StampPlan::Run;
  constexpr std::size_t kRun = StampPlan::kRun;
  bool positive = true;
  v8l run_positive = v8l{} - 1;  // lanes of the runs' g > 0
  const auto add_coupling = [&](int row, int node, double gj) {
    for (int c = 0; c < columns; ++c)
      x[static_cast<std::size_t>(c) * nf + row] += gj * v[static_cast<std::size_t>(c) * n + node];
  };
  const auto stamp = [&](std::size_t j) {
    const double gj = g[j];
    positive &= gj > 0.0;
    const std::array<int, 3>& p = plan.place[j];
    if (plan.role[j] == Role::Coupling) {
      values[p[2]] += gj;
      add_coupling(p[0], p[1], gj);
    } else if (plan.role[j] == Role::Internal) {
      values[p[0]] += gj;
      values[p[1]] += gj;
      values[p[2]] -= gj;
    }
  };
  for (std::size_t blk = 0; blk < plan.run.size(); ++blk) {
    const std::size_t j0 = blk * kRun;
    const Run kind = plan.run[blk];
    if (kind == Run::Edges) {
      for (std::size_t j = j0; j < j0 + kRun; ++j) stamp(j);
      continue;
    }
    const std::array<int, 3>& p = plan.place[j0];
    v8d gv, diagonal;
    std::memcpy(&gv, g + j0, sizeof gv);
    std::memcpy(&diagonal, values + p[2], sizeof diagonal);
    diagonal += gv;
    std::memcpy(values + p[2], &diagonal, sizeof diagonal);
    run_positive &= gv > 0.0;
    for (int c = 0; c < columns; ++c) {
      double* rhs = x + static_cast<std::size_t>(c) * nf + p[0];
      const double* held = v + static_cast<std::size_t>(c) * n + p[1];
      v8d r, h;
      std::memcpy(&r, rhs, sizeof r);
      if (kind == Run::SameNode) h = v8d{} + held[0];
      else std::memcpy(&h, held, sizeof h);
      r += gv * h;
      std::memcpy(rhs, &r, sizeof r);
    }
  }
  for (std::size_t j = plan.run.size() * kRun; j < plan.role.size(); ++j) stamp(j);
  for (std::size_t l = 0; l < kRun; ++l) positive &= run_positive[l] != 0;
  return positive;
}

}  // namespace spiceloop
