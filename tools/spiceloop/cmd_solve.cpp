// spiceloop solve NET.json: the free state on either backend (node voltages, edge currents, power).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "emulator/network/load.hpp"
#include "tools/spiceloop/commands.hpp"

namespace spiceloop::cli {

namespace {

struct SolveArgs {
  std::string network;
  BackendChoice backend;
  bool json = false;
};

nlohmann::json state_json(const Network& net, const State& s, const std::string& backend) {
  nlohmann::json j;
  j["network"] = net.name;
  j["backend"] = backend;
  for (int v = 0; v < net.node_count(); ++v) j["node_volts"][net.node_names[v]] = s.node_volts[v];
  for (int e = 0; e < net.edge_count(); ++e)
    j["edges"][net.edges[e].name] = {{"volts", s.edge_volts[e]}, {"amps", s.edge_amps[e]}};
  for (size_t i = 0; i < net.inputs.size(); ++i)
    j["source_amps"][net.node_names[net.inputs[i].node]] = s.source_amps[i];
  j["power_watts"] = s.power_watts;
  j["kcl_residual"] = s.kcl_residual;
  return j;
}

void print_table(const Network& net, const State& s, const std::string& backend) {
  fmt::print("network {} ({} nodes, {} edges), free state on {}\n", net.name, net.node_count(),
             net.edge_count(), backend);
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
  auto* cmd = app.add_subcommand("solve", "Solve the free state of a network and print voltages, currents, power");
  cmd->add_option("network", args->network, "Network JSON file")->required();
  add_backend_options(*cmd, args->backend);
  cmd->add_flag("--json", args->json, "Print JSON instead of a table");
  cmd->callback([args] {
    const Network net = load_network_file(args->network);
    auto sim = make_simulator(args->backend);
    sim->load(net);
    const State s = sim->solve(Drive{});
    if (args->json)
      fmt::print("{}\n", state_json(net, s, args->backend.backend).dump(2));
    else
      print_table(net, s, args->backend.backend);
  });
}

}  // namespace spiceloop::cli
