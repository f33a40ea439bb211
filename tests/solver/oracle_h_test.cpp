// H, the conductance matrix seen at the outputs with the inputs grounded.
#include <catch2/catch.hpp>

#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/solver/oracle.hpp"
#include "tests/common/networks.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

TEST_CASE("oracle: H of a divider is the two conductances in parallel", "[solver][oracle]") {
  Oracle oracle(test::divider(1000.0, 3000.0, 5.0));
  const Eigen::MatrixXd& h = oracle.output_conductance();
  REQUIRE(h.rows() == 1);
  REQUIRE_THAT(h(0, 0), WithinRel(1.0 / 1000.0 + 1.0 / 3000.0, 1e-15));
  REQUIRE_THAT(oracle.output_resistance()(0, 0), WithinRel(750.0, 1e-14));
}

TEST_CASE("oracle: output currents of a clamped-output experiment are H V_O", "[solver][oracle]") {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const Network net = test::random_network(seed, 30, 40, 3, 4);
    std::mt19937_64 rng(seed);
    Oracle oracle(net);
    const Eigen::MatrixXd h = oracle.output_conductance();
    IdealSimulator sim;
    sim.load(net);
    Drive d;
    d.phase = Phase::Clamped;
    d.input_volts.assign(net.inputs.size(), 0.0);
    d.clamp_volts = test::uniform_vector(rng, net.outputs.size(), -1.0, 1.0);
    const State s = sim.solve(d);
    const Eigen::VectorXd predicted =
        h * Eigen::Map<const Eigen::VectorXd>(d.clamp_volts.data(), 4);
    for (int o = 0; o < 4; ++o)
      REQUIRE_THAT(s.output_amps[o],
                   WithinAbs(predicted(o), 1e-13 * predicted.cwiseAbs().maxCoeff()));
  }
}

TEST_CASE("oracle: H is symmetric positive definite and inverse to the output resistance",
          "[solver][oracle]") {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    const Network net = test::random_network(seed, 40, 60, 3, 5);
    Oracle oracle(net);
    const Eigen::MatrixXd h = oracle.output_conductance();
    const double scale = h.cwiseAbs().maxCoeff();
    REQUIRE((h - h.transpose()).cwiseAbs().maxCoeff() < 1e-14 * scale);
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(h);
    REQUIRE(eig.eigenvalues().minCoeff() > 0.0);
    // Two independent routes: the Schur complement (outputs clamped) and the output block of the
    // inverse (currents injected), with different factorisations.
    const Eigen::MatrixXd product = h * oracle.output_resistance();
    REQUIRE((product - Eigen::MatrixXd::Identity(5, 5)).cwiseAbs().maxCoeff() < 1e-12);
  }
}

TEST_CASE("oracle: the quadratic forms agree with H and its inverse", "[solver][oracle]") {
  const Network net = test::random_network(6, 30, 40, 2, 3);
  Oracle oracle(net);
  const std::vector<double> r = {0.3, -0.2, 0.5};
  const Eigen::Map<const Eigen::VectorXd> rv(r.data(), 3);
  const Eigen::MatrixXd& h = oracle.output_conductance();
  REQUIRE_THAT(quadratic_form(h, r), WithinRel(rv.dot(h * rv), 1e-15));
  REQUIRE(quadratic_form(h, r) > 0.0);
  REQUIRE_THAT(inverse_quadratic_form(h, r),
               WithinRel(quadratic_form(oracle.output_resistance(), r), 1e-12));
}

TEST_CASE("oracle: H scales with the conductances and is recomputed after they change",
          "[solver][oracle]") {
  // Guards the H cache against stale conductances.
  const Network net = test::random_network(9, 20, 30, 2, 2);
  Oracle oracle(net);
  const Eigen::MatrixXd h = oracle.output_conductance();
  oracle.set_conductances(test::scaled(net.conductances(), 3.0));
  const Eigen::MatrixXd h3 = oracle.output_conductance();
  REQUIRE((h3 - 3.0 * h).cwiseAbs().maxCoeff() < 1e-14 * h3.cwiseAbs().maxCoeff());
  REQUIRE((oracle.output_resistance() * 3.0 * h - Eigen::MatrixXd::Identity(2, 2))
              .cwiseAbs()
              .maxCoeff() < 1e-12);
}
