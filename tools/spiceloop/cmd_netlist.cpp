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
  PhaseChoice phase;
  std::string output;
  bool no_print = false;
  SolverOptions tolerances;
};

}  // namespace

void add_netlist(CLI::App& app) {
  auto args = std::make_shared<NetlistArgs>();
  auto* cmd = app.add_subcommand("netlist", "Write the SPICE deck of one phase (plain ngspice input)");
  cmd->add_option("network", args->network, "Network JSON file")->required();
  add_phase_options(*cmd, args->phase);
  cmd->add_option("-o,--output", args->output, "Write the deck here instead of stdout");
  cmd->add_flag("--no-print", args->no_print, "Leave out the .control block that prints the node voltages");
  cmd->add_option("--reltol", args->tolerances.reltol, "reltol written into .options")->capture_default_str();
  cmd->callback([args] {
    check_tolerances(args->tolerances);
    const Network net = load_network_file(args->network);
    DeckOptions opt;
    opt.tolerances = args->tolerances;
    opt.print_results = !args->no_print;
    print_or_write(build_deck(net, drive_for(net, args->phase), opt), args->output, "deck");
  });
}

}  // namespace spiceloop::cli
