#include "drivers/standins/learning_network/learning_network.hpp"
#include "drivers/standins/guarded.hpp"

#include <cstdint>
#include <string>
#include <utility>

#include "drivers/scpi/call.hpp"
#include "drivers/scpi/common_commands.hpp"
#include "drivers/scpi/error.hpp"
#include "drivers/scpi/response.hpp"
#include "drivers/server/port_work.hpp"
#include "emulator/network/validate.hpp"

namespace spiceloop::standins {

namespace {

constexpr scpi::CommandOptions kSet{.min_params = 1, .max_params = 1};
constexpr scpi::CommandOptions kSetList{.min_params = 1, .max_params = 2};
constexpr scpi::CommandOptions kQueryList{.min_params = 0, .max_params = 1};
constexpr int kDigits = 17;  // round-trips a double: socket training equals in-process training

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

// Clock work as a command runs it: a refused setting is -222 or -221, a failed solve -200.
template <class F>
decltype(auto) clocked(F&& f) {
  try {
    return guarded(std::forward<F>(f));
  } catch (const ClockRefused& e) {
    throw scpi::Error(e.why() == ClockRefused::Why::OutOfRange ? scpi::err::data_out_of_range
                                                               : scpi::err::settings_conflict,
                      e.what());
  }
}

}  // namespace

LearningNetwork::LearningNetwork(Bench& bench, LearningNetworkOptions options)
    : bench_(bench),
      options_(std::move(options)),
      preset_edges_(bench.network().edges),
      clock_(bench, options_.defaults) {
  scpi::add_common_commands(tree_, status_, {"spiceloop", "LEARNING-NETWORK-emulated", options_.serial, options_.firmware},
                            {.reset = [this] { reset(); }});
  scpi::add_format_commands(tree_, format_);
  register_learning();
  register_edges();
  register_nodes();
  reset();
}

void LearningNetwork::reset() {
  clock_.reset();
  format_ = {};
}

void LearningNetwork::register_learning() {
  const scpi::NumberSpec unitless{};
  const scpi::NumberSpec siemens{.unit = "S"};
  const scpi::NumberSpec volts{.unit = "V", .def = 0.0};

  // SIGN is the lab's rule: CL's signal, one tap per clock.
  tree_.add("LEARn:RULE", [this](scpi::Call& c) {
    const std::size_t i = c.choice(0, {"CL", "EP", "SIGN"});
    clocked([&] {
      clock_.set_rule(i == 1 ? RuleKind::EquilibriumPropagation : RuleKind::CoupledLearning,
                      i == 2 ? UpdateMode::Sign : UpdateMode::Continuous);
    });
  }, kSet);
  tree_.add("LEARn:RULE?", [this](scpi::Call& c) {
    c.respond(clock_.update_mode() == UpdateMode::Sign                 ? "SIGN"
              : clock_.rule() == RuleKind::EquilibriumPropagation ? "EP"
                                                                       : "CL");
  });

  tree_.add("LEARn:ETA", [this, unitless](scpi::Call& c) { clocked([&] { clock_.set_eta(c.number(0, unitless)); }); }, kSet);
  tree_.add("LEARn:ETA?", [this](scpi::Call& c) { c.respond(number(clock_.eta())); });
  tree_.add("LEARn:BETA", [this, siemens](scpi::Call& c) { clocked([&] { clock_.set_beta(c.number(0, siemens)); }); }, kSet);
  tree_.add("LEARn:BETA?", [this](scpi::Call& c) { c.respond(number(clock_.beta())); });
  tree_.add("LEARn:RATE", [this, unitless](scpi::Call& c) { clocked([&] { clock_.set_alpha(c.number(0, unitless)); }); }, kSet);
  tree_.add("LEARn:RATE?", [this](scpi::Call& c) { c.respond(number(clock_.alpha())); });

  // One value for every listed output, so a refused value refuses at the first and changes none.
  tree_.add("LEARn:TARGet", [this, volts](scpi::Call& c) {
    const double v = c.number(0, volts);
    const auto outputs = items_of(c, 1, static_cast<int>(clock_.targets().size()), "output");
    clocked([&] {
      for (int o : outputs) clock_.set_target(o, v);
    });
  }, kSetList);
  tree_.add("LEARn:TARGet?", [this](scpi::Call& c) {
    for (int o : items_of(c, 0, static_cast<int>(clock_.targets().size()), "output"))
      c.respond(number(clock_.targets()[static_cast<std::size_t>(o - 1)]));
  }, kQueryList);
  tree_.add("LEARn:TARGet:COUNt?", [this](scpi::Call& c) {
    c.respond(scpi::nr1(static_cast<std::int64_t>(clock_.targets().size())));
  });

  // Under a server the bench is handed to the other ports between cycles, and an abort (*RST on
  // this port, the control port) stops the clock there; the cycles run stand.
  tree_.add("LEARn:CLOCk", [this](scpi::Call& c) {
    const int n = c.has(0) ? static_cast<int>(c.integer(0, 1, options_.max_clocks, 1)) : 1;
    const int done = clocked([&] { return clock_.tick(n, server::yield_port); });
    if (done < n)
      throw scpi::Error(scpi::err::execution, "learning clock aborted after " + std::to_string(done) + " of " +
                                                  std::to_string(n) + " cycles");
  }, {.min_params = 0, .max_params = 1});
  tree_.add("LEARn:CLOCk:COUNt?", [this](scpi::Call& c) { c.respond(scpi::nr1(clock_.count())); });
  tree_.add("LEARn:COST?", [this](scpi::Call& c) { c.respond(number(clocked([&] { return clock_.cost(); }))); });
}

void LearningNetwork::register_edges() {
  const scpi::NumberSpec siemens{.unit = "S"};
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
      const auto [lo, hi] = settable_siemens(e);
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
}

void LearningNetwork::register_nodes() {
  const int node_count = bench_.network().node_count() - 1;
  tree_.add("NODE:VOLTage?", [this, node_count](scpi::Call& c) {
    const bool free = c.choice(0, {"FREE", "CLAMped", "NUDGed"}) == 0;
    const auto list = items_of(c, 1, node_count, "node");
    const TwinState& t = clocked([&]() -> const TwinState& { return clock_.twin(); });
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
