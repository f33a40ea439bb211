// The oracle's exact loss gradient and output Jacobian, against central finite differences.
#include <catch2/catch.hpp>

#include "emulator/core/error.hpp"
#include "emulator/solver/oracle.hpp"
#include "tests/common/networks.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

double loss_at(Oracle& oracle, const std::vector<double>& k, const std::vector<double>& targets) {
  oracle.set_conductances(k);
  return oracle.loss_gradient({}, targets).loss;
}

double max_abs(const std::vector<double>& v) {
  double m = 0.0;
  for (double x : v) m = std::max(m, std::abs(x));
  return m;
}

}  // namespace

TEST_CASE("oracle: the loss gradient matches central finite differences", "[solver][oracle]") {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    const Network net = test::random_network(seed, 20, 30, 2, 3);
    std::mt19937_64 rng(seed * 31);
    const std::vector<double> targets = test::uniform_vector(rng, 3, -1.0, 1.0);
    const std::vector<double> k = net.conductances();
    Oracle oracle(net);
    const LossGradient g = oracle.loss_gradient({}, targets);
    REQUIRE(g.loss > 0.0);
    std::vector<double> fd(k.size());
    for (size_t j = 0; j < k.size(); ++j) {
      const double h = 1e-5 * k[j];
      std::vector<double> up = k, down = k;
      up[j] += h;
      down[j] -= h;
      fd[j] = (loss_at(oracle, up, targets) - loss_at(oracle, down, targets)) / (2.0 * h);
    }
    const double scale = max_abs(g.dloss_dsiemens);
    for (size_t j = 0; j < k.size(); ++j) {
      CAPTURE(seed, j);
      REQUIRE_THAT(g.dloss_dsiemens[j], WithinAbs(fd[j], 1e-6 * scale));
      if (std::abs(fd[j]) > 1e-2 * scale) REQUIRE_THAT(g.dloss_dsiemens[j], WithinRel(fd[j], 1e-6));
    }
  }
}

TEST_CASE("oracle: a small step against the gradient lowers the loss", "[solver][oracle]") {
  // Guards the sign: dloss_dsiemens is dL/dk, so descent moves along minus it.
  const Network net = test::random_network(4, 20, 30, 2, 3);
  const std::vector<double> targets = {0.2, -0.1, 0.4};
  Oracle oracle(net);
  const LossGradient g = oracle.loss_gradient({}, targets);
  std::vector<double> k = net.conductances();
  const double step = 1e-3 * max_abs(k) / max_abs(g.dloss_dsiemens);
  for (size_t j = 0; j < k.size(); ++j) k[j] -= step * g.dloss_dsiemens[j];
  REQUIRE(loss_at(oracle, k, targets) < g.loss);
}

TEST_CASE("oracle: the loss gradient is orthogonal to the conductances", "[solver][oracle]") {
  // L is homogeneous of degree 0 in k with voltage-source inputs, so k . dL/dk = 0.
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const Network net = test::random_network(seed, 25, 40, 3, 2);
    Oracle oracle(net);
    const LossGradient g = oracle.loss_gradient({}, std::vector<double>{0.3, -0.5});
    const std::vector<double> k = net.conductances();
    double dot = 0.0, norm = 0.0;
    for (size_t j = 0; j < k.size(); ++j)
      dot += k[j] * g.dloss_dsiemens[j], norm += std::abs(k[j] * g.dloss_dsiemens[j]);
    REQUIRE_THAT(dot, WithinAbs(0.0, 1e-13 * norm));
  }
}

TEST_CASE("oracle: the output Jacobian matches finite differences and gives the gradient",
          "[solver][oracle]") {
  const Network net = test::random_network(8, 20, 30, 2, 3);
  const std::vector<double> inputs = {0.7, -0.4}, targets = {0.1, 0.2, -0.3};
  Oracle oracle(net);
  const Eigen::MatrixXd jac = oracle.output_jacobian(inputs);
  REQUIRE(jac.rows() == 3);
  REQUIRE(jac.cols() == net.edge_count());
  const std::vector<double> k = net.conductances();
  for (int j = 0; j < net.edge_count(); ++j) {
    const double h = 1e-5 * k[j];
    std::vector<double> up = k, down = k;
    up[j] += h;
    down[j] -= h;
    oracle.set_conductances(up);
    const State su = oracle.free_state(inputs);
    oracle.set_conductances(down);
    const State sd = oracle.free_state(inputs);
    for (int o = 0; o < 3; ++o) {
      const int node = net.outputs[o];
      REQUIRE_THAT(jac(o, j), WithinAbs((su.node_volts[node] - sd.node_volts[node]) / (2.0 * h),
                                        1e-6 * jac.cwiseAbs().maxCoeff()));
    }
  }
  // dL/dk = -J^T r.
  oracle.set_conductances(k);
  const LossGradient g = oracle.loss_gradient(inputs, targets);
  const Eigen::VectorXd r = Eigen::Map<const Eigen::VectorXd>(g.residual.data(), 3);
  const Eigen::VectorXd from_jac = -jac.transpose() * r;
  for (int j = 0; j < net.edge_count(); ++j)
    REQUIRE_THAT(g.dloss_dsiemens[j],
                 WithinAbs(from_jac(j), 1e-13 * from_jac.cwiseAbs().maxCoeff()));
}

TEST_CASE("oracle: the free state agrees with the ideal solver's", "[solver][oracle]") {
  const Network net = test::lattice(2, 6, 6, 2, 2);
  Oracle oracle(net);
  const State s = oracle.free_state();
  REQUIRE(s.kcl_residual < 1e-12);
  const LossGradient g = oracle.loss_gradient(std::vector<double>{}, std::vector<double>{0.0, 0.0});
  REQUIRE(g.free.node_volts == s.node_volts);
  REQUIRE_THAT(g.loss, WithinRel(0.5 * (std::pow(s.node_volts[net.outputs[0]], 2) +
                                        std::pow(s.node_volts[net.outputs[1]], 2)),
                                 1e-15));
}

TEST_CASE("oracle: diodes and wrong sizes are refused", "[solver][oracle]") {
  Network net = test::divider(1.0, 1.0, 1.0);
  test::add_diode(net, 2, 0);
  REQUIRE_THROWS_AS(Oracle(net), InputError);
  Oracle oracle(test::divider(1.0, 1.0, 1.0));
  try {
    oracle.loss_gradient({}, std::vector<double>{0.0, 1.0});
    FAIL("expected oracle.size");
  } catch (const InputError& e) {
    REQUIRE(e.id() == "oracle.size");
    REQUIRE(e.where() == "targets");
  }
}
