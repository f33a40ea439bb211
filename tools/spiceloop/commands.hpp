// The `spiceloop` command: one binary, one file per subcommand. Each file registers its
// subcommand on the app; errors propagate as spiceloop::Error and main() prints them.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "emulator/sim/simulator.hpp"

namespace spiceloop::cli {

void add_solve(CLI::App& app);
void add_netlist(CLI::App& app);
void add_generate(CLI::App& app);
void add_train(CLI::App& app);
void add_bench(CLI::App& app);
void add_sweep(CLI::App& app);
void add_serve(CLI::App& app);

// Shared by subcommands that simulate: --backend and the solver tolerances.
struct BackendArgs {
  std::string backend = "ngspice";
  SolverOptions tolerances;
  std::string hil_addresses;  // --bench ADDRS.json, with allow_hil
};
// allow_hil adds "hil" to --backend and --bench ADDRS.json (the instruments' addresses file).
void add_backend_options(CLI::App& cmd, BackendArgs& args, bool allow_hil = false);
std::unique_ptr<Simulator> make_simulator(const BackendArgs& args);
// The hardware-in-the-loop backend on the instruments an addresses file names
// (drivers/client/hil); InputError cli.bench when the file is not given.
std::unique_ptr<Simulator> make_hil_simulator(const std::string& addresses_file);

}  // namespace spiceloop::cli
