// The exact finite-nudge identities of DOMAIN.md section 3, with the 1/2 convention
// dk = -(alpha / 2 nu) [(dV^nu)^2 - (dV^F)^2]:
//   CL (outputs clamped at V_O^F + eta r):     k . dk = -(alpha eta / 2) r^T H r
//   EP (current beta r injected into outputs): k . dk = -(alpha beta / 2) r^T H^{-1} r
// and the power differences behind them. A wrong clamp, sign, current direction or a hidden shunt
// conductance breaks them at the first digit.
#include <catch2/catch.hpp>

#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/solver/oracle.hpp"
#include "tests/common/networks.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

constexpr double kAlpha = 0.05;

struct Setup {
  Network net;
  std::vector<double> targets;
  std::vector<double> residual;  // r = T - V_O^F
  State free;
};

Setup make_setup(uint64_t seed) {
  Setup s{test::random_network(seed, 30, 45, 3, 3), {}, {}, {}};
  std::mt19937_64 rng(seed * 1000 + 1);
  s.targets = test::uniform_vector(rng, 3, -1.0, 1.0);
  IdealSimulator sim;
  sim.load(s.net);
  s.free = sim.solve(Drive{});
  for (size_t o = 0; o < 3; ++o)
    s.residual.push_back(s.targets[o] - s.free.node_volts[s.net.outputs[o]]);
  return s;
}

// The 1/2-convention update; the difference of squares is factored to keep its digits at small nu.
std::vector<double> update(const State& nudged, const State& free, double nu) {
  std::vector<double> dk(free.edge_volts.size());
  for (size_t j = 0; j < dk.size(); ++j) {
    const double a = nudged.edge_volts[j], b = free.edge_volts[j];
    dk[j] = -(kAlpha / (2.0 * nu)) * (a - b) * (a + b);
  }
  return dk;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0.0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

State clamped_state(const Setup& s, double eta) {
  IdealSimulator sim;
  sim.load(s.net);
  Drive d;
  d.phase = Phase::Clamped;
  for (size_t o = 0; o < 3; ++o)
    d.clamp_volts.push_back(s.free.node_volts[s.net.outputs[o]] + eta * s.residual[o]);
  return sim.solve(d);
}

State nudged_state(const Setup& s, double beta) {
  IdealSimulator sim;
  sim.load(s.net);
  Drive d;
  d.phase = Phase::Nudged;
  d.nudge_amps = test::scaled(s.residual, beta);
  return sim.solve(d);
}

// Power the sources deliver: input sources, plus clamp sources or injected currents at the outputs.
double source_power(const Network& net, const State& st) {
  double p = 0.0;
  for (size_t i = 0; i < net.inputs.size(); ++i)
    p += st.node_volts[net.inputs[i].node] * st.source_amps[i];
  for (size_t o = 0; o < net.outputs.size(); ++o)
    p += st.node_volts[net.outputs[o]] * st.output_amps[o];
  return p;
}

}  // namespace

TEST_CASE("identities: coupled learning gives k . dk = -(alpha eta / 2) r^T H r",
          "[solver][identity]") {
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    const Setup s = make_setup(seed);
    Oracle oracle(s.net);
    const double rhr = quadratic_form(oracle.output_conductance(), s.residual);
    for (double eta : {1.0, 0.5, 0.1, 1e-2, 1e-3}) {
      CAPTURE(seed, eta);
      const std::vector<double> dk = update(clamped_state(s, eta), s.free, eta);
      REQUIRE_THAT(dot(s.net.conductances(), dk), WithinRel(-(kAlpha * eta / 2.0) * rhr, 1e-10));
    }
  }
}

TEST_CASE("identities: equilibrium propagation gives k . dk = -(alpha beta / 2) r^T H^-1 r",
          "[solver][identity]") {
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    const Setup s = make_setup(seed);
    Oracle oracle(s.net);
    const double rhinvr = inverse_quadratic_form(oracle.output_conductance(), s.residual);
    for (double beta : {1e-2, 1e-3, 1e-4, 1e-5}) {  // siemens: the nudge current is beta * r
      CAPTURE(seed, beta);
      const std::vector<double> dk = update(nudged_state(s, beta), s.free, beta);
      REQUIRE_THAT(dot(s.net.conductances(), dk),
                   WithinRel(-(kAlpha * beta / 2.0) * rhinvr, 1e-10));
    }
  }
}

TEST_CASE("identities: the nudged power exceeds the free power by the quadratic forms",
          "[solver][identity]") {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const Setup s = make_setup(seed);
    Oracle oracle(s.net);
    const Eigen::MatrixXd& h = oracle.output_conductance();
    const double eta = 0.2, beta = 1e-3;
    const State c = clamped_state(s, eta), b = nudged_state(s, beta);
    // P_C - P_F = eta^2 r^T H r and P_beta - P_F = beta^2 r^T H^-1 r ...
    REQUIRE_THAT(c.power_watts - s.free.power_watts,
                 WithinRel(eta * eta * quadratic_form(h, s.residual), 1e-10));
    REQUIRE_THAT(b.power_watts - s.free.power_watts,
                 WithinRel(beta * beta * inverse_quadratic_form(h, s.residual), 1e-10));
    // ... and each power is measurable from the sources alone.
    for (const State* st : {&s.free, &c, &b})
      REQUIRE_THAT(source_power(s.net, *st), WithinRel(st->power_watts, 1e-12));
    // So k . dk = -(alpha / 2 nu) (P_nudged - P_free).
    REQUIRE_THAT(dot(s.net.conductances(), update(c, s.free, eta)),
                 WithinRel(-(kAlpha / (2.0 * eta)) * (c.power_watts - s.free.power_watts), 1e-10));
  }
}

TEST_CASE("identities: the coupled learning update is invariant under scaling all conductances",
          "[solver][identity]") {
  const Setup s = make_setup(3);
  const std::vector<double> dk = update(clamped_state(s, 0.3), s.free, 0.3);
  for (double c : {0.01, 7.0}) {
    Setup scaled = s;
    scaled.net.set_conductances(test::scaled(s.net.conductances(), c));
    IdealSimulator sim;
    sim.load(scaled.net);
    scaled.free = sim.solve(Drive{});
    const std::vector<double> dk_c = update(clamped_state(scaled, 0.3), scaled.free, 0.3);
    for (size_t j = 0; j < dk.size(); ++j) REQUIRE_THAT(dk_c[j], WithinAbs(dk[j], 1e-12 * kAlpha));
  }
}

TEST_CASE(
    "identities: at finite beta, EP is minus alpha times the gradient plus a known quadratic term",
    "[solver][identity]") {
  // (dV^b)^2 - (dV^F)^2 = 2 beta dV^F dz + beta^2 dz^2 exactly, so dk_EP = -alpha dL/dk - (alpha
  // beta / 2) dz^2, with dz the response to injecting r; as beta -> 0 EP is exactly gradient
  // descent.
  const Setup s = make_setup(5);
  Oracle oracle(s.net);
  const LossGradient g = oracle.loss_gradient({}, s.targets);
  for (double beta : {1e-3, 1e-6}) {
    const State b = nudged_state(s, beta);
    const std::vector<double> dk = update(b, s.free, beta);
    double scale = 0.0;
    for (double x : g.dloss_dsiemens) scale = std::max(scale, kAlpha * std::abs(x));
    for (size_t j = 0; j < dk.size(); ++j) {
      const double dz = (b.edge_volts[j] - s.free.edge_volts[j]) / beta;
      REQUIRE_THAT(dk[j], WithinAbs(-kAlpha * g.dloss_dsiemens[j] - (kAlpha * beta / 2.0) * dz * dz,
                                    1e-9 * scale));
    }
  }
}

TEST_CASE("identities: small-eta coupled learning moves along alpha J^T H r",
          "[solver][identity]") {
  const Setup s = make_setup(2);
  Oracle oracle(s.net);
  const Eigen::MatrixXd jac = oracle.output_jacobian();
  const Eigen::VectorXd r = Eigen::Map<const Eigen::VectorXd>(s.residual.data(), 3);
  const Eigen::VectorXd direction = kAlpha * jac.transpose() * (oracle.output_conductance() * r);
  const double eta = 1e-7;
  const std::vector<double> dk = update(clamped_state(s, eta), s.free, eta);
  for (int j = 0; j < s.net.edge_count(); ++j)
    REQUIRE_THAT(dk[j], WithinAbs(direction(j), 1e-6 * direction.cwiseAbs().maxCoeff()));
  // With several outputs it is close to, but not exactly, minus the gradient (J^T r).
  const Eigen::VectorXd descent = jac.transpose() * r;
  const double cosine = direction.dot(descent) / (direction.norm() * descent.norm());
  REQUIRE(cosine > 0.5);
  REQUIRE(cosine < 1.0 - 1e-8);
}
