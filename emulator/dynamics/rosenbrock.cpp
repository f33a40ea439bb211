#include "emulator/dynamics/rosenbrock.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "emulator/core/error.hpp"

namespace spiceloop {

namespace {

// Shampine's coefficients (Boost.Odeint default_rosenbrock_coefficients).
constexpr double kGamma = 0.25, kD1 = 0.25, kD2 = -0.1043, kD3 = 0.1035, kD4 = 0.3620000000000023e-01;
constexpr double kC2 = 0.386, kC3 = 0.21, kC4 = 0.63;
constexpr double kC21 = -0.5668800000000000e+01, kA21 = 0.1544000000000000e+01;
constexpr double kC31 = -0.2430093356833875e+01, kC32 = -0.2063599157091915e+00;
constexpr double kA31 = 0.9466785280815826e+00, kA32 = 0.2557011698983284e+00;
constexpr double kC41 = -0.1073529058151375e+00, kC42 = -0.9594562251023355e+01, kC43 = -0.2047028614809616e+02;
constexpr double kA41 = 0.3314825187068521e+01, kA42 = 0.2896124015972201e+01, kA43 = 0.9986419139977817e+00;
constexpr double kC51 = 0.7496443313967647e+01, kC52 = -0.1024680431464352e+02, kC53 = -0.3399990352819905e+02,
                 kC54 = 0.1170890893206160e+02;
constexpr double kA51 = 0.1221224509226641e+01, kA52 = 0.6019134481288629e+01, kA53 = 0.1253708332932087e+02,
                 kA54 = -0.6878860361058950e+00;
constexpr double kC61 = 0.8083246795921522e+01, kC62 = -0.7981132988064893e+01, kC63 = -0.3152159432874371e+02,
                 kC64 = 0.1631930543123136e+02, kC65 = -0.6058818238834054e+01;

}  // namespace

void Rosenbrock4::step(const StiffSystem& sys, const Eigen::VectorXd& x, double t, double dt) {
  const Eigen::Index n = x.size();
  sys.rhs(x, t, f_);
  sys.jacobian(x, t, jac_, dfdt_);
  const Eigen::PartialPivLU<Eigen::MatrixXd> lu(Eigen::MatrixXd::Identity(n, n) / (kGamma * dt) - jac_);
  g1_ = lu.solve(f_ + dt * kD1 * dfdt_);
  xt_ = x + kA21 * g1_;
  sys.rhs(xt_, t + kC2 * dt, f_);
  g2_ = lu.solve(f_ + dt * kD2 * dfdt_ + kC21 * g1_ / dt);
  xt_ = x + kA31 * g1_ + kA32 * g2_;
  sys.rhs(xt_, t + kC3 * dt, f_);
  g3_ = lu.solve(f_ + dt * kD3 * dfdt_ + (kC31 * g1_ + kC32 * g2_) / dt);
  xt_ = x + kA41 * g1_ + kA42 * g2_ + kA43 * g3_;
  sys.rhs(xt_, t + kC4 * dt, f_);
  g4_ = lu.solve(f_ + dt * kD4 * dfdt_ + (kC41 * g1_ + kC42 * g2_ + kC43 * g3_) / dt);
  xt_ = x + kA51 * g1_ + kA52 * g2_ + kA53 * g3_ + kA54 * g4_;
  sys.rhs(xt_, t + dt, f_);
  g5_ = lu.solve(f_ + (kC51 * g1_ + kC52 * g2_ + kC53 * g3_ + kC54 * g4_) / dt);
  xt_ += g5_;
  sys.rhs(xt_, t + dt, f_);
  xerr_ = lu.solve(f_ + (kC61 * g1_ + kC62 * g2_ + kC63 * g3_ + kC64 * g4_ + kC65 * g5_) / dt);
  xout_ = xt_ + xerr_;
}

bool Rosenbrock4::try_step(const StiffSystem& sys, Eigen::VectorXd& x, double& t, double& dt) {
  constexpr double safe = 0.9, fac1 = 5.0, fac2 = 1.0 / 6.0;
  step(sys, x, t, dt);
  double err = 0.0;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double sk = atol_ + rtol_ * std::max(std::abs(x[i]), std::abs(xout_[i]));
    err += xerr_[i] * xerr_[i] / (sk * sk);
  }
  err = std::sqrt(err / static_cast<double>(x.size()));
  double fac = std::max(fac2, std::min(fac1, std::pow(err, 0.25) / safe));
  double dt_new = dt / fac;
  if (!(err <= 1.0)) {
    dt = dt_new;
    last_rejected_ = true;
    return false;
  }
  if (!first_) {  // the predictive (Gustafsson) factor
    const double pred = std::max(fac2, std::min(fac1, (dt_old_ / dt) * std::pow(err * err / err_old_, 0.25) / safe));
    fac = std::max(fac, pred);
    dt_new = dt / fac;
  }
  first_ = false;
  dt_old_ = dt;
  err_old_ = std::max(0.01, err);
  if (last_rejected_) dt_new = std::min(dt_new, dt);
  t += dt;
  x = xout_;
  dt = dt_new;
  last_rejected_ = false;
  return true;
}

std::int64_t Rosenbrock4::integrate(const StiffSystem& sys, Eigen::VectorXd& x, double t0, double t1) {
  const double span = t1 - t0;
  if (!(span > 0.0)) return 0;
  if (!(dt_ > 0.0)) dt_ = span / 8;
  std::int64_t steps = 0;
  double t = t0;
  while (t1 - t > 1e-15 * span) {
    // The last step lands on t1; a step shortened for it does not shrink the carried step size.
    const bool last = t + dt_ >= t1;
    double dt = last ? t1 - t : dt_;
    const double planned = dt_;
    if (try_step(sys, x, t, dt)) {
      ++steps;
      dt_ = last ? std::max(planned, dt) : dt;
      if (last) t = t1;
    } else {
      dt_ = dt;
    }
    if (!(dt_ > 1e-14 * span))
      throw SimulationError("dynamics.step_underflow", fmt::format("t = {} s", t),
                            fmt::format("the stiff integrator's step fell to {} s; loosen \"tolerances\".reltol", dt_));
  }
  return steps;
}

}  // namespace spiceloop
