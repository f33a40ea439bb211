// A curved 1-D regression (the nonlinear regression of Dillavou et al., PNAS 2024): the first
// network input sweeps x over an even grid of `samples` points, every output's target is
// T(x) = a + b x + c x^2, and the test set is the midpoints between grid points (interpolation).
// The output error then splits into Legendre modes of x (error_modes), which the lab reports
// falling in the order mean, slope, curvature.
#include <array>
#include <cmath>

#include "emulator/core/error.hpp"
#include "emulator/learning/tasks/task.hpp"

namespace spiceloop::tasks {

Dataset curve(const TaskSpec& spec, const Network& net) {
  if (net.inputs.empty()) throw InputError("task.network", "/task/kind", "curve needs a network with an input");
  const double a = spec.coefficients.at(0).at(0), b = spec.coefficients[0].at(1), c = spec.coefficients[0].at(2);
  const auto sample = [&](double x) {
    Sample s;
    s.input_volts = default_input_volts(net);
    s.input_volts[0] = x;
    s.targets.assign(net.outputs.size(), a + b * x + c * x * x);
    return s;
  };
  Dataset d;
  d.curve_input_volts = std::pair{spec.input_lo_volts, spec.input_hi_volts};
  const double lo = spec.input_lo_volts, step = (spec.input_hi_volts - lo) / (spec.samples - 1);
  for (int i = 0; i < spec.samples; ++i) d.train.push_back(sample(lo + step * i));
  for (int i = 0; i + 1 < spec.samples; ++i) d.test.push_back(sample(lo + step * (i + 0.5)));
  return d;
}

}  // namespace spiceloop::tasks

namespace spiceloop {

std::vector<double> error_modes(const Dataset& d, const Network& net, std::span<const Sample> samples,
                                const NodeVoltages& free_volts) {
  if (!d.curve_input_volts || samples.size() < 3) return {};
  const auto [lo, hi] = *d.curve_input_volts;
  // Least squares of e = V_O - T on P0 = 1, P1 = u, P2 = (3u^2 - 1)/2, u = 2 (x - lo)/(hi - lo) - 1,
  // by the 3 x 3 normal equations (averaged over the outputs).
  std::array<std::array<double, 4>, 3> m{};
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const double u = 2.0 * (samples[i].input_volts[0] - lo) / (hi - lo) - 1.0;
    const std::array<double, 3> p{1.0, u, 0.5 * (3.0 * u * u - 1.0)};
    double e = 0.0;
    for (std::size_t o = 0; o < net.outputs.size(); ++o) e += free_volts.row(i)[net.outputs[o]] - samples[i].targets[o];
    e /= static_cast<double>(net.outputs.size());
    for (int r = 0; r < 3; ++r) {
      for (int k = 0; k < 3; ++k) m[r][k] += p[r] * p[k];
      m[r][3] += p[r] * e;
    }
  }
  for (int col = 0; col < 3; ++col) {  // Gaussian elimination; the Gram matrix is positive definite
    for (int r = col + 1; r < 3; ++r) {
      const double f = m[r][col] / m[col][col];
      for (int k = col; k < 4; ++k) m[r][k] -= f * m[col][k];
    }
  }
  std::vector<double> x(3);
  for (int r = 2; r >= 0; --r) {
    double s = m[r][3];
    for (int k = r + 1; k < 3; ++k) s -= m[r][k] * x[k];
    x[r] = s / m[r][r];
  }
  return x;
}

}  // namespace spiceloop
