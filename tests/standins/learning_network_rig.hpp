// Shared by the learning-network tests: a bench with a source (which drives the inputs) and the
// learning network on it, one connection to each; and the in-process oracle, which takes the same
// steps directly with emulator/learning's rule functions and Updater on an IdealSimulator.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "drivers/scpi/response.hpp"
#include "drivers/standins/learning_network/learning_network.hpp"
#include "emulator/learning/rules/rule.hpp"
#include "emulator/learning/rules/update.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "helpers.hpp"

namespace learning_network_test {

struct LearningNetworkRig {
  explicit LearningNetworkRig(spiceloop::Simulator& sim, std::string_view bench_file = "lab16.json")
      : bench(spiceloop::load_bench_file(standins_test::bench_path(bench_file)), sim),
        source(bench),
        network(bench),
        source_session(source.tree(), source.status()),
        session(network.tree(), network.status()) {}

  std::string operator()(std::string_view line) { return standins_test::ask(session, line); }

  // The source stand-in holds the inputs, as on the lab table.
  void drive_inputs(const std::vector<double>& volts) {
    for (std::size_t i = 0; i < volts.size(); ++i)
      standins_test::ask(source_session, "VOLT " + spiceloop::scpi::nr3(volts[i], 17) + ",(@" + std::to_string(i + 1) + ")");
    standins_test::ask(source_session, "OUTP ON,(@1:" + std::to_string(volts.size()) + ")");
  }

  spiceloop::Bench bench;
  spiceloop::standins::Source source;
  spiceloop::standins::LearningNetwork network;
  spiceloop::scpi::Session source_session;
  spiceloop::scpi::Session session;
};

inline std::string targets_command(const std::vector<double>& targets) {
  std::string s;
  for (std::size_t o = 0; o < targets.size(); ++o)
    s += (o ? ";:" : "") + std::string("LEARN:TARGET ") + spiceloop::scpi::nr3(targets[o], 17) + ",(@" +
         std::to_string(o + 1) + ")";
  return s;
}

// One clock, computed directly: a twin solve (CL, SIGN) or a free and a nudged solve (EP), the
// rule's signal with the code convention and unit weight, one Updater step.
struct Oracle {
  Oracle(spiceloop::Network network, spiceloop::RuleKind rule, spiceloop::UpdateMode update, std::vector<double> inputs,
         std::vector<double> targets, double eta, double beta, double alpha)
      : net(std::move(network)),
        rule(rule),
        inputs(std::move(inputs)),
        targets(std::move(targets)),
        eta(eta),
        beta(beta),
        alpha(alpha),
        updater(spiceloop::UpdateSpec{.mode = update}, net, 1) {
    sim.load(net);
  }

  void step() {
    using namespace spiceloop;
    std::vector<double> signal(net.edges.size(), 0.0);
    const Drive free_drive = standins_test::free_drive(inputs);
    if (rule == RuleKind::EquilibriumPropagation) {
      const State free = sim.solve(free_drive);
      const State nudged = sim.solve(ep::nudged_drive(beta, net, free_drive, free, targets));
      ep::accumulate(beta, 1.0, net, free, nudged, 1.0, signal);
    } else {
      Drive twin = free_drive;
      twin.phase = Phase::Twin;
      twin.twin_eta = eta;
      twin.twin_targets = targets;
      const TwinState t = sim.solve_twin(twin);
      cl::accumulate(eta, 1.0, net, t.free, t.clamped, 1.0, signal);
    }
    updater.apply(net, signal, alpha, rng);
    sim.set_conductances(net.conductances());
  }

  spiceloop::Network net;
  spiceloop::RuleKind rule;
  std::vector<double> inputs, targets;
  double eta, beta, alpha;
  spiceloop::Updater updater;
  spiceloop::Rng rng{1};
  spiceloop::IdealSimulator sim;
};

}  // namespace learning_network_test
