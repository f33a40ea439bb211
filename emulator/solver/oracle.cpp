#include "emulator/solver/oracle.hpp"

#include <fmt/format.h>

#include "emulator/core/error.hpp"
#include "emulator/sim/drive_checks.hpp"

namespace spiceloop {

namespace {

void check_size(const char* field, std::span<const double> values, size_t expected,
                const char* per) {
  if (values.size() != expected)
    throw InputError("oracle.size", field,
                     fmt::format("expected {} value(s), one per network {}, got {}", expected, per,
                                 values.size()));
}

Eigen::Map<const Eigen::VectorXd> as_vector(std::span<const double> r) {
  return {r.data(), static_cast<Eigen::Index>(r.size())};
}

}  // namespace

Oracle::Oracle(const Network& net) : net_(net), siemens_(net.conductances()) {
  check_network(net_);
  shape_ = NetworkShape::of(net_);
  for (int j = 0; j < net_.edge_count(); ++j)
    if (!net_.edges[j].is_linear())
      throw InputError("oracle.nonlinear", fmt::format("edges[{}] '{}'", j, net_.edges[j].name),
                       "the oracle's identities hold for linear networks only; remove the diodes");
}

void Oracle::set_conductances(std::span<const double> siemens) {
  check_conductances(shape_, siemens);
  for (int j = 0; j < net_.edge_count(); ++j) net_.edges[j].siemens = siemens[j];
  siemens_.assign(siemens.begin(), siemens.end());
  free_stale_ = clamped_stale_ = true;
  conductance_.reset();
  resistance_.reset();
  own_free_volts_.reset();
  unit_response_.clear();
}

NodalSystem& Oracle::system(bool outputs_held) {
  std::unique_ptr<NodalSystem>& sys = outputs_held ? clamped_system_ : free_system_;
  bool& stale = outputs_held ? clamped_stale_ : free_stale_;
  if (!sys) sys = std::make_unique<NodalSystem>(net_, held_nodes(net_, outputs_held));
  if (stale) sys->set_edge_siemens(siemens_);
  stale = false;
  return *sys;
}

std::vector<double> Oracle::free_volts(std::span<const double> input_volts) {
  if (!input_volts.empty()) check_size("input_volts", input_volts, net_.inputs.size(), "input");
  std::vector<double> volts(net_.node_count(), 0.0);
  for (size_t i = 0; i < net_.inputs.size(); ++i)
    volts[net_.inputs[i].node] = input_volts.empty() ? net_.inputs[i].volts : input_volts[i];
  system(false).solve(volts);
  return volts;
}

std::vector<double> Oracle::output_response(std::span<const double> inject_amps) {
  std::vector<double> inject(net_.node_count(), 0.0);
  for (size_t o = 0; o < net_.outputs.size(); ++o) inject[net_.outputs[o]] = inject_amps[o];
  std::vector<double> volts(net_.node_count(), 0.0);
  system(false).solve(volts, inject);
  return volts;
}

const std::vector<double>& Oracle::own_free_volts() {
  if (!own_free_volts_) own_free_volts_ = free_volts({});
  return *own_free_volts_;
}

const std::vector<double>& Oracle::unit_response(int output) {
  const int m = static_cast<int>(net_.outputs.size());
  if (unit_response_.empty()) unit_response_.resize(m);
  std::vector<double>& z = unit_response_[output];
  if (z.empty()) {
    std::vector<double> unit(m, 0.0);
    unit[output] = 1.0;
    z = output_response(unit);
  }
  return z;
}

State Oracle::free_state(std::span<const double> input_volts) {
  return make_state(net_, input_volts.empty() ? own_free_volts() : free_volts(input_volts));
}

LossGradient Oracle::loss_gradient_only(std::span<const double> targets) {
  check_size("targets", targets, net_.outputs.size(), "output");
  const std::vector<double>& v = own_free_volts();
  LossGradient g;
  g.residual.resize(net_.outputs.size());
  for (size_t o = 0; o < net_.outputs.size(); ++o) {
    g.residual[o] = targets[o] - v[net_.outputs[o]];
    g.loss += 0.5 * g.residual[o] * g.residual[o];
  }
  const std::vector<double> z = output_response(g.residual);
  g.dloss_dsiemens.resize(net_.edges.size());
  // (V_a - V_b) is the free State's edge_volts, as loss_gradient reads it (ground is 0 V in both).
  for (size_t j = 0; j < net_.edges.size(); ++j) {
    const Edge& e = net_.edges[j];
    g.dloss_dsiemens[j] = (v[e.a] - v[e.b]) * (z[e.a] - z[e.b]);
  }
  return g;
}

LossGradient Oracle::loss_gradient(std::span<const double> input_volts,
                                   std::span<const double> targets) {
  check_size("targets", targets, net_.outputs.size(), "output");
  LossGradient g;
  g.free = free_state(input_volts);
  g.residual.resize(net_.outputs.size());
  for (size_t o = 0; o < net_.outputs.size(); ++o) {
    g.residual[o] = targets[o] - g.free.node_volts[net_.outputs[o]];
    g.loss += 0.5 * g.residual[o] * g.residual[o];
  }
  // Adjoint: one more back-substitution with the free factorisation.
  const std::vector<double> z = output_response(g.residual);
  g.dloss_dsiemens.resize(net_.edges.size());
  for (size_t j = 0; j < net_.edges.size(); ++j) {
    const Edge& e = net_.edges[j];
    g.dloss_dsiemens[j] = g.free.edge_volts[j] * (z[e.a] - z[e.b]);
  }
  return g;
}

const Eigen::MatrixXd& Oracle::output_conductance() {
  if (conductance_) return *conductance_;
  const int m = static_cast<int>(net_.outputs.size());
  Eigen::MatrixXd h(m, m);
  std::vector<double> net_out(net_.node_count());
  for (int o = 0; o < m; ++o) {
    // Column o: hold output o at 1 V, the other outputs and the inputs at 0 V, and read the
    // current each output source delivers.
    std::vector<double> volts(net_.node_count(), 0.0);
    volts[net_.outputs[o]] = 1.0;
    system(true).solve(volts);
    std::fill(net_out.begin(), net_out.end(), 0.0);
    for (const Edge& e : net_.edges) {
      const double i = e.siemens * (volts[e.a] - volts[e.b]);
      net_out[e.a] += i;
      net_out[e.b] -= i;
    }
    for (int p = 0; p < m; ++p) h(p, o) = net_out[net_.outputs[p]];
  }
  conductance_ = std::move(h);
  return *conductance_;
}

const Eigen::MatrixXd& Oracle::output_resistance() {
  if (resistance_) return *resistance_;
  const int m = static_cast<int>(net_.outputs.size());
  Eigen::MatrixXd r(m, m);
  for (int o = 0; o < m; ++o) {
    const std::vector<double>& z = unit_response(o);
    for (int p = 0; p < m; ++p) r(p, o) = z[net_.outputs[p]];
  }
  resistance_ = std::move(r);
  return *resistance_;
}

Eigen::MatrixXd Oracle::output_jacobian(std::span<const double> input_volts) {
  std::vector<double> given;
  if (!input_volts.empty()) given = free_volts(input_volts);
  const std::vector<double>& v = input_volts.empty() ? own_free_volts() : given;
  const int m = static_cast<int>(net_.outputs.size());
  Eigen::MatrixXd jac(m, net_.edge_count());
  for (int o = 0; o < m; ++o) {
    // dV_free = -A^{-1} (dV_j (e_a - e_b)); by symmetry row o of A^{-1} is the response z to a unit
    // current into output o.
    const std::vector<double>& z = unit_response(o);
    for (int j = 0; j < net_.edge_count(); ++j) {
      const Edge& e = net_.edges[j];
      jac(o, j) = -(v[e.a] - v[e.b]) * (z[e.a] - z[e.b]);
    }
  }
  return jac;
}

double quadratic_form(const Eigen::MatrixXd& m, std::span<const double> r) {
  const auto x = as_vector(r);
  return x.dot(m * x);
}

double inverse_quadratic_form(const Eigen::MatrixXd& h, std::span<const double> r) {
  const auto x = as_vector(r);
  return x.dot(h.ldlt().solve(x));
}

}  // namespace spiceloop
