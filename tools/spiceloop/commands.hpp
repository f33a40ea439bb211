// The `spiceloop` command: one binary, one file per subcommand. Each file registers its
// subcommand on the app; errors propagate as spiceloop::Error and main() prints them.
#pragma once

#include <CLI/CLI.hpp>

#include "tools/spiceloop/make_simulator.hpp"

namespace spiceloop::cli {

void add_solve(CLI::App& app);
void add_netlist(CLI::App& app);
void add_generate(CLI::App& app);
void add_train(CLI::App& app);
void add_bench(CLI::App& app);
void add_sweep(CLI::App& app);
void add_serve(CLI::App& app);

// Shared by subcommands that simulate on ideal or ngspice: --backend and the solver tolerances.
void add_backend_options(CLI::App& cmd, BackendChoice& choice);

}  // namespace spiceloop::cli
