#include "drivers/standins/network/network.hpp"
#include "drivers/standins/guarded.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "drivers/scpi/call.hpp"
#include "drivers/scpi/common_commands.hpp"
#include "drivers/scpi/error.hpp"
#include "drivers/scpi/response.hpp"
#include "emulator/core/error.hpp"
#include "emulator/learning/rule.hpp"
#include "emulator/network/validate.hpp"

namespace spiceloop::standins {

namespace {

constexpr scpi::CommandOptions kSet{.min_params = 1, .max_params = 1};
constexpr scpi::CommandOptions kSetList{.min_params = 1, .max_params = 2};
constexpr scpi::CommandOptions kQueryList{.min_params = 0, .max_params = 1};
constexpr int kDigits = 17;  // round-trips a double: socket training equals in-process training

// Stream of the twin-mismatch draws, mixed into the bench seed ("twin").
constexpr std::uint64_t kTwinStream = 0x7477696e;

std::string number(double x) { return scpi::nr3(x, kDigits); }

// Items 1..count of parameter i (all of them when absent), each checked before anything changes.
std::vector<int> items_of(const scpi::Call& c, std::size_t i, int count, const char* what) {
  std::vector<int> items;
  if (!c.has(i)) {
    for (int k = 1; k <= count; ++k) items.push_back(k);
    return items;
  }
  items = c.channels(i);
  for (int k : items)
    if (k < 1 || k > count)
      throw scpi::Error(scpi::err::data_out_of_range,
                        std::string(what) + " " + std::to_string(k) + " not in the network (1.." + std::to_string(count) + ")");
  return items;
}

std::string edge_label(const Edge& e, int number) { return "edge " + std::to_string(number) + " (" + e.name + ")"; }

bool all_finite(const std::vector<double>& v) {
  return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
}

[[noreturn]] void non_finite(const std::string& what) {
  throw SimulationError("network.non_finite", "learning network",
                        what + " is not finite; the clock stopped before changing any edge");
}

}  // namespace

LearningNetwork::LearningNetwork(Bench& bench, LearningNetworkOptions options)
    : bench_(bench),
      options_(std::move(options)),
      preset_edges_(bench.network().edges),
      continuous_(UpdateSpec{}, bench.network(), 1),
      sign_(UpdateSpec{.mode = UpdateMode::Sign}, bench.network(), 1) {
  scpi::add_common_commands(tree_, status_, {"spiceloop", "LEARNING-NETWORK-emulated", options_.serial, options_.firmware},
                            {.reset = [this] { reset(); }});
  scpi::add_format_commands(tree_, format_);
  register_commands();
  reset();
}

void LearningNetwork::reset() {
  rule_ = NetworkRule::CoupledLearning;
  eta_ = options_.eta;
  beta_ = options_.beta_siemens;
  alpha_ = options_.alpha;
  targets_.assign(bench_.network().outputs.size(), 0.0);
  clocks_ = 0;
  rng_ = Rng(1);
  twin_.reset();
  format_ = {};
}

void LearningNetwork::set_rule(NetworkRule rule) {
  if (rule == NetworkRule::Sign) {
    const auto& edges = bench_.network().edges;
    for (std::size_t j = 0; j < edges.size(); ++j)
      if (edges[j].trainable && edges[j].kind == ElementKind::Resistor)
        throw scpi::Error(scpi::err::settings_conflict,
                          "SIGN moves digipot taps; " + edge_label(edges[j], static_cast<int>(j) + 1) + " is a resistor");
  }
  rule_ = rule;
}

void LearningNetwork::set_eta(double eta) {
  if (!(eta > 0.0 && eta <= 1.0)) throw scpi::Error(scpi::err::data_out_of_range, "eta must lie in (0, 1]");
  eta_ = eta;
}

void LearningNetwork::set_beta(double beta_siemens) {
  if (!(beta_siemens > 0.0 && beta_siemens <= 1.0))
    throw scpi::Error(scpi::err::data_out_of_range, "beta must lie in (0, 1] S");
  beta_ = beta_siemens;
}

void LearningNetwork::set_alpha(double alpha) {
  if (!(alpha >= 0.0 && alpha <= 1.0)) throw scpi::Error(scpi::err::data_out_of_range, "alpha must lie in [0, 1]");
  alpha_ = alpha;
}

void LearningNetwork::set_target(int output, double volts) {
  const int n = static_cast<int>(targets_.size());
  if (output < 1 || output > n)
    throw scpi::Error(scpi::err::data_out_of_range,
                      "output " + std::to_string(output) + " not in the network (1.." + std::to_string(n) + ")");
  if (!(std::abs(volts) <= network_limits::kMaxAbsVolts))
    throw scpi::Error(scpi::err::data_out_of_range, "a target lies within +/-1000 V");
  targets_[static_cast<std::size_t>(output - 1)] = volts;
}

// The drive the bench solved: setpoints, or the regulated voltage of a source channel in CC.
Drive LearningNetwork::free_drive() {
  Drive d = bench_.regulated_drive();
  if (d.phase != Phase::Free)
    throw scpi::Error(scpi::err::settings_conflict,
                      "source channels clamp the outputs; switch them OFF (the twins clamp their own outputs)");
  return d;
}

const std::vector<double>& LearningNetwork::twin_factors() {
  const Realism& r = bench_.realism();
  const std::pair<std::uint64_t, double> now{r.seed, r.twin_mismatch};
  if (!factors_for_ || *factors_for_ != now) {
    factors_.assign(bench_.network().edges.size(), 1.0);
    if (r.twin_mismatch > 0) {
      BenchRng rng(r.seed ^ kTwinStream);
      // Floored as the digipot tolerances are: a copy's conductance never reaches zero.
      for (double& f : factors_) f = std::max(0.05, 1.0 + r.twin_mismatch * rng.gaussian());
    }
    factors_for_ = now;
  }
  return factors_;
}

LearningNetwork::Key LearningNetwork::key() {
  Key k;
  k.inputs = free_drive().input_volts;
  k.siemens = bench_.true_conductances();
  k.targets = targets_;
  k.factors = twin_factors();
  k.eta = eta_;
  k.beta = beta_;
  k.rule = rule_;
  return k;
}

TwinState LearningNetwork::solve_twin() {
  const Network& net = bench_.network();
  const Drive free = free_drive();
  TwinState t;
  t.free = bench_.truth();
  if (!all_finite(t.free.node_volts)) non_finite("a free-twin voltage");

  Drive second = free;
  if (rule_ == NetworkRule::EquilibriumPropagation) {
    second = ep::nudged_drive(beta_, net, free, t.free, targets_);
  } else {
    // The twin's clamp as Simulator::solve_twin forms it, so the step equals the Trainer's twin CL.
    second.phase = Phase::Clamped;
    second.clamp_volts.resize(net.outputs.size());
    for (std::size_t o = 0; o < net.outputs.size(); ++o)
      second.clamp_volts[o] = (1.0 - eta_) * t.free.node_volts[net.outputs[o]] + eta_ * targets_[o];
  }
  std::vector<double> k = bench_.true_conductances();
  const std::vector<double>& f = twin_factors();
  for (std::size_t j = 0; j < k.size(); ++j) k[j] *= f[j];
  t.clamped = bench_.solve_with(k, second);
  if (!all_finite(t.clamped.node_volts)) non_finite("a clamped-twin voltage");
  return t;
}

const TwinState& LearningNetwork::twin() {
  Key now = key();
  if (!twin_ || now != twin_key_) {
    twin_ = solve_twin();
    twin_key_ = std::move(now);
  }
  return *twin_;
}

void LearningNetwork::clock(int cycles) {
  if (cycles < 1 || cycles > options_.max_clocks)
    throw scpi::Error(scpi::err::data_out_of_range,
                      "clock cycles lie in 1.." + std::to_string(options_.max_clocks));
  for (int i = 0; i < cycles; ++i) {
    // Always a fresh twin: the cached one is the previous clock's, taken before its update.
    twin_ = solve_twin();
    const TwinState& t = *twin_;
    Network net = bench_.network();
    std::vector<double> signal(net.edges.size(), 0.0);
    if (rule_ == NetworkRule::EquilibriumPropagation)
      ep::accumulate(beta_, 1.0, net, t.free, t.clamped, 1.0, signal);
    else
      cl::accumulate(eta_, 1.0, net, t.free, t.clamped, 1.0, signal);
    if (!all_finite(signal)) non_finite("the update signal");
    (rule_ == NetworkRule::Sign ? sign_ : continuous_).apply(net, signal, alpha_, rng_);
    if (!all_finite(net.conductances())) non_finite("an updated conductance");
    bench_.update_edges([&](std::vector<Edge>& edges) {
      for (std::size_t j = 0; j < edges.size(); ++j) {
        if (!edges[j].trainable || !edges[j].is_linear()) continue;
        edges[j].siemens = net.edges[j].siemens;
        edges[j].code = net.edges[j].code;
      }
    });
    ++clocks_;
    // The twin of this clock answers NODE:VOLT? until something changes.
    twin_key_ = key();
  }
}

double LearningNetwork::cost() {
  free_drive();
  const State& s = bench_.truth();
  const auto& outputs = bench_.network().outputs;
  double c = 0.0;
  for (std::size_t o = 0; o < outputs.size(); ++o) {
    const double r = s.node_volts[static_cast<std::size_t>(outputs[o])] - targets_[o];
    c += 0.5 * r * r;
  }
  return c;
}

void LearningNetwork::register_commands() {
  const scpi::NumberSpec unitless{};
  const scpi::NumberSpec siemens{.unit = "S"};
  const scpi::NumberSpec volts{.unit = "V", .def = 0.0};

  tree_.add("LEARn:RULE", [this](scpi::Call& c) {
    const std::size_t i = c.choice(0, {"CL", "EP", "SIGN"});
    set_rule(i == 0 ? NetworkRule::CoupledLearning : i == 1 ? NetworkRule::EquilibriumPropagation : NetworkRule::Sign);
  }, kSet);
  tree_.add("LEARn:RULE?", [this](scpi::Call& c) {
    c.respond(rule_ == NetworkRule::CoupledLearning ? "CL" : rule_ == NetworkRule::EquilibriumPropagation ? "EP" : "SIGN");
  });

  tree_.add("LEARn:ETA", [this, unitless](scpi::Call& c) { set_eta(c.number(0, unitless)); }, kSet);
  tree_.add("LEARn:ETA?", [this](scpi::Call& c) { c.respond(number(eta_)); });
  tree_.add("LEARn:BETA", [this, siemens](scpi::Call& c) { set_beta(c.number(0, siemens)); }, kSet);
  tree_.add("LEARn:BETA?", [this](scpi::Call& c) { c.respond(number(beta_)); });
  tree_.add("LEARn:RATE", [this, unitless](scpi::Call& c) { set_alpha(c.number(0, unitless)); }, kSet);
  tree_.add("LEARn:RATE?", [this](scpi::Call& c) { c.respond(number(alpha_)); });

  tree_.add("LEARn:TARGet", [this, volts](scpi::Call& c) {
    const double v = c.number(0, volts);
    const auto outputs = items_of(c, 1, static_cast<int>(targets_.size()), "output");
    if (!(std::abs(v) <= network_limits::kMaxAbsVolts))
      throw scpi::Error(scpi::err::data_out_of_range, "a target lies within +/-1000 V");
    for (int o : outputs) set_target(o, v);
  }, kSetList);
  tree_.add("LEARn:TARGet?", [this](scpi::Call& c) {
    for (int o : items_of(c, 0, static_cast<int>(targets_.size()), "output"))
      c.respond(number(targets_[static_cast<std::size_t>(o - 1)]));
  }, kQueryList);
  tree_.add("LEARn:TARGet:COUNt?", [this](scpi::Call& c) { c.respond(scpi::nr1(static_cast<std::int64_t>(targets_.size()))); });

  tree_.add("LEARn:CLOCk", [this](scpi::Call& c) {
    const int n = c.has(0) ? static_cast<int>(c.integer(0, 1, options_.max_clocks, 1)) : 1;
    guarded([&] { clock(n); return 0; });
  }, {.min_params = 0, .max_params = 1});
  tree_.add("LEARn:CLOCk:COUNt?", [this](scpi::Call& c) { c.respond(scpi::nr1(clocks_)); });
  tree_.add("LEARn:COST?", [this](scpi::Call& c) { c.respond(number(guarded([&] { return cost(); }))); });

  const int edge_count = bench_.network().edge_count();
  // Only trainable linear edges take or report a setting; a code only a digipot has.
  const auto checked_edges = [this, edge_count](const scpi::Call& c, std::size_t i, bool code) {
    const auto list = items_of(c, i, edge_count, "edge");
    for (int n : list) {
      const Edge& e = bench_.network().edges[static_cast<std::size_t>(n - 1)];
      if (!e.is_linear()) throw scpi::Error(scpi::err::settings_conflict, edge_label(e, n) + " is a diode");
      if (code && e.kind != ElementKind::Digipot)
        throw scpi::Error(scpi::err::settings_conflict, edge_label(e, n) + " is a resistor, it has no code");
    }
    return list;
  };
  const auto require_trainable = [this](const std::vector<int>& list) {
    for (int n : list) {
      const Edge& e = bench_.network().edges[static_cast<std::size_t>(n - 1)];
      if (!e.trainable) throw scpi::Error(scpi::err::settings_conflict, edge_label(e, n) + " is not trainable");
    }
  };

  tree_.add("EDGE:CODE", [this, checked_edges, require_trainable](scpi::Call& c) {
    const int code = static_cast<int>(c.integer(0, 0, network_limits::kMaxTaps));
    const auto list = checked_edges(c, 1, true);
    require_trainable(list);
    for (int n : list) {
      const Edge& e = bench_.network().edges[static_cast<std::size_t>(n - 1)];
      if (code > e.taps - 1)
        throw scpi::Error(scpi::err::data_out_of_range, "code " + std::to_string(code) + " outside 0.." +
                                                            std::to_string(e.taps - 1) + " of " + edge_label(e, n));
    }
    bench_.update_edges([&](std::vector<Edge>& edges) {
      for (int n : list) edges[static_cast<std::size_t>(n - 1)].code = code;
    });
  }, kSetList);
  tree_.add("EDGE:CODE?", [this, checked_edges](scpi::Call& c) {
    for (int n : checked_edges(c, 0, true)) c.respond(scpi::nr1(bench_.network().edges[static_cast<std::size_t>(n - 1)].code));
  }, kQueryList);

  tree_.add("EDGE:CONDuctance", [this, checked_edges, require_trainable, siemens](scpi::Call& c) {
    const double k = c.number(0, siemens);
    const auto list = checked_edges(c, 1, false);
    require_trainable(list);
    for (int n : list) {
      const Edge& e = bench_.network().edges[static_cast<std::size_t>(n - 1)];
      const double lo = std::max(lower_bound_siemens(e), network_limits::kMinSiemens);
      const double hi = std::min(upper_bound_siemens(e), network_limits::kMaxSiemens);
      if (!(k >= lo && k <= hi))
        throw scpi::Error(scpi::err::data_out_of_range,
                          number(k) + " S outside " + number(lo) + ".." + number(hi) + " S of " + edge_label(e, n));
    }
    bench_.update_edges([&](std::vector<Edge>& edges) {
      for (int n : list) {
        Edge& e = edges[static_cast<std::size_t>(n - 1)];
        if (e.kind == ElementKind::Digipot)
          e.code = digipot_nearest_code(e, k);  // update_edges then sets its siemens
        else
          e.siemens = k;
      }
    });
  }, kSetList);
  tree_.add("EDGE:CONDuctance?", [this, checked_edges](scpi::Call& c) {
    std::vector<double> k;
    for (int n : checked_edges(c, 0, false)) k.push_back(bench_.network().edges[static_cast<std::size_t>(n - 1)].siemens);
    if (format_.binary) {
      c.respond(scpi::format_readings(k, format_));
      return;
    }
    for (double x : k) c.respond(number(x));
  }, kQueryList);

  tree_.add("EDGE:PRESet", [this](scpi::Call&) {
    bench_.update_edges([&](std::vector<Edge>& edges) {
      for (std::size_t j = 0; j < edges.size(); ++j) {
        edges[j].siemens = preset_edges_[j].siemens;
        edges[j].code = preset_edges_[j].code;
      }
    });
  });
  tree_.add("EDGE:COUNt?", [edge_count](scpi::Call& c) { c.respond(scpi::nr1(edge_count)); });
  tree_.add("EDGE:NAME?", [this, edge_count](scpi::Call& c) {
    for (int n : items_of(c, 0, edge_count, "edge"))
      c.respond(scpi::quoted(bench_.network().edges[static_cast<std::size_t>(n - 1)].name));
  }, kQueryList);

  const int node_count = bench_.network().node_count() - 1;
  tree_.add("NODE:VOLTage?", [this, node_count](scpi::Call& c) {
    const bool free = c.choice(0, {"FREE", "CLAMped", "NUDGed"}) == 0;
    const auto list = items_of(c, 1, node_count, "node");
    const TwinState& t = guarded([&]() -> const TwinState& { return twin(); });
    std::vector<double> v;
    for (int n : list) v.push_back((free ? t.free : t.clamped).node_volts[static_cast<std::size_t>(n)]);
    if (format_.binary) {
      c.respond(scpi::format_readings(v, format_));
      return;
    }
    for (double x : v) c.respond(number(x));
  }, {.min_params = 1, .max_params = 2});
  tree_.add("NODE:COUNt?", [node_count](scpi::Call& c) { c.respond(scpi::nr1(node_count)); });
  tree_.add("NODE:NAME?", [this, node_count](scpi::Call& c) {
    for (int n : items_of(c, 0, node_count, "node"))
      c.respond(scpi::quoted(bench_.network().node_names[static_cast<std::size_t>(n)]));
  }, kQueryList);
}

}  // namespace spiceloop::standins
