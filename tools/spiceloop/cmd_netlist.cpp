// spiceloop netlist NET.json --phase P: the SPICE deck of one phase, runnable by `ngspice -b`.
#include <fmt/format.h>

#include <cmath>

#include "emulator/core/error.hpp"
#include "emulator/netlist/deck.hpp"
#include "emulator/network/load.hpp"
#include "emulator/network/validate.hpp"
#include "tools/spiceloop/commands.hpp"

namespace spiceloop::cli {

namespace {

struct NetlistArgs {
  std::string network;
  std::string phase = "free";
  std::vector<double> values;
  double eta = 0.5;
  std::string output;
  bool no_print = false;
  SolverOptions tolerances;
};

// The values are printed into the deck as numbers ngspice reads literally (nan, inf and 1e300
// included): only what a network could carry is written. Volts as the network format bounds its
// inputs; amps as those volts drive through the largest conductance it allows.
void check_values(const NetlistArgs& a) {
  namespace nl = network_limits;
  const bool amps = a.phase == "nudged";
  const double limit = amps ? nl::kMaxAbsVolts * nl::kMaxSiemens : nl::kMaxAbsVolts;
  for (size_t i = 0; i < a.values.size(); ++i)
    if (!(std::isfinite(a.values[i]) && std::abs(a.values[i]) <= limit))
      throw InputError("cli.values", fmt::format("--values[{}]", i),
                       fmt::format("{:g} is not a usable {}: give a finite value within +-{:g} {}", a.values[i],
                                   amps ? "current" : "voltage", limit, amps ? "A" : "V"));
  if (a.phase == "twin" && !(a.eta > 0.0 && a.eta <= 1.0))
    throw InputError("cli.eta", "--eta", fmt::format("the twin clamp factor must lie in (0, 1], got {:g}", a.eta));
}

Drive drive_for(const Network& net, const NetlistArgs& a) {
  Drive d;
  const size_t n_out = net.outputs.size();
  auto need_values = [&](const char* what) {
    if (a.values.size() != n_out)
      throw InputError("cli.values", "--values",
                       fmt::format("the {} phase needs {} {} (one per output), got {}", a.phase, n_out, what,
                                   a.values.size()));
    return a.values;
  };
  if (a.phase == "free") {
    d.phase = Phase::Free;
  } else if (a.phase == "clamped") {
    d.phase = Phase::Clamped;
    d.clamp_volts = need_values("clamp voltages");
  } else if (a.phase == "nudged") {
    d.phase = Phase::Nudged;
    d.nudge_amps = need_values("nudge currents (A, into the output)");
  } else {
    d.phase = Phase::Twin;
    d.twin_targets = need_values("target voltages");
    d.twin_eta = a.eta;
  }
  return d;
}

}  // namespace

void add_netlist(CLI::App& app) {
  auto args = std::make_shared<NetlistArgs>();
  auto* cmd = app.add_subcommand("netlist", "Write the SPICE deck of one phase (plain ngspice input)");
  cmd->add_option("network", args->network, "Network JSON file")->required();
  cmd->add_option("--phase", args->phase, "free | clamped | nudged | twin")
      ->check(CLI::IsMember({"free", "clamped", "nudged", "twin"}))
      ->capture_default_str();
  cmd->add_option("--values", args->values,
                  "One per output: clamp volts (clamped), injected amps (nudged), targets (twin)")
      ->delimiter(',');
  cmd->add_option("--eta", args->eta, "Twin clamp factor in (0, 1]")->capture_default_str();
  cmd->add_option("-o,--output", args->output, "Write the deck here instead of stdout");
  cmd->add_flag("--no-print", args->no_print, "Leave out the .op/.print lines");
  cmd->add_option("--reltol", args->tolerances.reltol, "reltol written into .options")->capture_default_str();
  cmd->callback([args] {
    check_values(*args);
    check_tolerances(args->tolerances);
    const Network net = load_network_file(args->network);
    DeckOptions opt;
    opt.tolerances = args->tolerances;
    opt.print_results = !args->no_print;
    print_or_write(build_deck(net, drive_for(net, *args), opt), args->output, "deck");
  });
}

}  // namespace spiceloop::cli
