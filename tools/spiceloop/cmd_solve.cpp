// spiceloop solve NET.json [--phase P --values ...]: one phase's state on either backend (node
// voltages, edge currents, power); twin prints the free copy, then the clamped copy.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "emulator/network/load.hpp"
#include "tools/spiceloop/commands.hpp"

namespace spiceloop::cli {

namespace {

struct SolveArgs {
  std::string network;
  BackendChoice backend;
  PhaseChoice phase;
  bool json = false;
};

nlohmann::json state_json(const Network& net, const State& s) {
  nlohmann::json j;
  for (int v = 0; v < net.node_count(); ++v) j["node_volts"][net.node_names[v]] = s.node_volts[v];
  for (int e = 0; e < net.edge_count(); ++e)
    j["edges"][net.edges[e].name] = {{"volts", s.edge_volts[e]}, {"amps", s.edge_amps[e]}};
  for (size_t i = 0; i < net.inputs.size(); ++i)
    j["source_amps"][net.node_names[net.inputs[i].node]] = s.source_amps[i];
  // The clamp's or the nudge's current into each output (0 in the free state).
  for (size_t o = 0; o < net.outputs.size() && o < s.output_amps.size(); ++o)
    j["output_amps"][net.node_names[net.outputs[o]]] = s.output_amps[o];
  j["power_watts"] = s.power_watts;
  j["kcl_residual"] = s.kcl_residual;
  return j;
}

void print_table(const Network& net, const State& s, const std::string& what, const std::string& backend) {
  fmt::print("network {} ({} nodes, {} edges), {} on {}\n", net.name, net.node_count(), net.edge_count(), what,
             backend);
  fmt::print("\n{:<20} {:>24}\n", "node", "volts");
  for (int v = 0; v < net.node_count(); ++v) fmt::print("{:<20} {:>24.15e}\n", net.node_names[v], s.node_volts[v]);
  fmt::print("\n{:<20} {:>24} {:>24}\n", "edge", "volts (a - b)", "amps (a -> b)");
  for (int e = 0; e < net.edge_count(); ++e)
    fmt::print("{:<20} {:>24.15e} {:>24.15e}\n", net.edges[e].name, s.edge_volts[e], s.edge_amps[e]);
  fmt::print("\ndissipated power  {:.15e} W\n", s.power_watts);
  fmt::print("KCL residual      {:.3e} (relative)\n", s.kcl_residual);
}

}  // namespace

void add_solve(CLI::App& app) {
  auto args = std::make_shared<SolveArgs>();
  auto* cmd = app.add_subcommand("solve", "Solve one phase of a network (default: free) and print voltages, currents, power");
  cmd->add_option("network", args->network, "Network JSON file")->required();
  add_backend_options(*cmd, args->backend);
  add_phase_options(*cmd, args->phase);
  cmd->add_flag("--json", args->json, "Print JSON instead of a table");
  cmd->callback([args] {
    const Network net = load_network_file(args->network);
    const Drive drive = drive_for(net, args->phase);
    auto sim = make_simulator(args->backend);
    sim->load(net);
    const std::string& backend = args->backend.backend;
    nlohmann::json j = {{"network", net.name}, {"backend", backend}, {"phase", args->phase.phase}};
    if (drive.phase == Phase::Twin) {
      const TwinState s = sim->solve_twin(drive);
      if (!args->json) {
        print_table(net, s.free, "twin phase, free copy", backend);
        fmt::print("\n");
        print_table(net, s.clamped, "twin phase, clamped copy", backend);
        return;
      }
      j["free"] = state_json(net, s.free);
      j["clamped"] = state_json(net, s.clamped);
    } else {
      const State s = sim->solve(drive);
      if (!args->json) return print_table(net, s, args->phase.phase + " state", backend);
      j.update(state_json(net, s));
    }
    fmt::print("{}\n", j.dump(2));
  });
}

}  // namespace spiceloop::cli
