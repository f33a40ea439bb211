// A stiff ODE integrator: the 4th-order Rosenbrock method (embedded 3rd-order error estimate, A-stable)
// with Shampine's coefficients and the step controller of Boost.Odeint's rosenbrock4 /
// rosenbrock4_controller, ported to Eigen because Odeint's version is built on uBLAS, whose storage
// does not compile under C++20 with the Boost in use (1.74: std::allocator::construct is gone).
// The system gives f(x, t) and, at a step's start, the Jacobian df/dx and df/dt.
// Error per step: sqrt(mean_i (err_i / (atol + rtol max(|x_i|, |x_new_i|)))^2) <= 1.
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <functional>

namespace spiceloop {

struct StiffSystem {
  std::function<void(const Eigen::VectorXd& x, double t, Eigen::VectorXd& f)> rhs;
  std::function<void(const Eigen::VectorXd& x, double t, Eigen::MatrixXd& jac, Eigen::VectorXd& dfdt)> jacobian;
};

class Rosenbrock4 {
 public:
  Rosenbrock4(double atol, double rtol) : atol_(atol), rtol_(rtol) {}

  // Integrates x from t0 to t1, landing on t1 exactly; the step size carries over to the next call.
  // Returns the accepted steps. Throws SimulationError "dynamics.step_underflow" when the step falls
  // below 1e-14 of the interval (the system cannot be followed at this tolerance).
  std::int64_t integrate(const StiffSystem& sys, Eigen::VectorXd& x, double t0, double t1);

 private:
  void step(const StiffSystem& sys, const Eigen::VectorXd& x, double t, double dt);
  bool try_step(const StiffSystem& sys, Eigen::VectorXd& x, double& t, double& dt);

  double atol_, rtol_;
  double dt_ = 0.0, dt_old_ = 0.0, err_old_ = 0.0;
  bool first_ = true, last_rejected_ = false;
  Eigen::VectorXd f_, dfdt_, g1_, g2_, g3_, g4_, g5_, xt_, xerr_, xout_;
  Eigen::MatrixXd jac_;
};

}  // namespace spiceloop
