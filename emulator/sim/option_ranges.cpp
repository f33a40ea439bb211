#include "emulator/sim/option_ranges.hpp"

#include <cmath>

#include <fmt/format.h>

#include "emulator/core/numbers.hpp"

namespace spiceloop {

namespace {

struct Range {
  const char* key;
  double SolverOptions::*field;
  double lo, hi;
  bool lo_open, hi_open;
  const char* unit;
};

constexpr Range kRanges[] = {
    {"reltol", &SolverOptions::reltol, 0.0, 1.0, true, true, ""},
    {"abstol_amps", &SolverOptions::abstol_amps, 0.0, 1.0, true, false, " A"},
    {"vntol_volts", &SolverOptions::vntol_volts, 0.0, 1.0, true, false, " V"},
    {"gmin_siemens", &SolverOptions::gmin_siemens, 0.0, 1e-3, false, false, " S"},
    {"kcl_tolerance", &SolverOptions::kcl_tolerance, 0.0, 1.0, true, false, ""},
};

bool inside(const Range& r, double x) {
  return std::isfinite(x) && (r.lo_open ? x > r.lo : x >= r.lo) && (r.hi_open ? x < r.hi : x <= r.hi);
}

}  // namespace

std::optional<OptionProblem> solver_options_problem(const SolverOptions& o) {
  for (const Range& r : kRanges) {
    const double x = o.*r.field;
    if (!inside(r, x))
      return OptionProblem{r.key, fmt::format("{} must lie in {}{}, {}{}{}, got {}", r.key, r.lo_open ? "(" : "[",
                                              format_double(r.lo), format_double(r.hi), r.hi_open ? ")" : "]",
                                              r.unit, format_double(x))};
  }
  if (o.newton_max_iterations < 1 || o.newton_max_iterations > 1'000'000)
    return OptionProblem{"newton_max_iterations",
                         fmt::format("newton_max_iterations must be from 1 to 1000000, got {}", o.newton_max_iterations)};
  return std::nullopt;
}

}  // namespace spiceloop
