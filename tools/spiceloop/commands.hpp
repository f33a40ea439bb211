// The `spiceloop` command: one binary, one file per subcommand. Each file registers its
// subcommand on the app; errors propagate as spiceloop::Error and main() prints them.
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "emulator/network/network.hpp"
#include "emulator/sim/simulator.hpp"
#include "tools/spiceloop/make_simulator.hpp"

namespace spiceloop::cli {

void add_solve(CLI::App& app);
void add_netlist(CLI::App& app);
void add_generate(CLI::App& app);
void add_train(CLI::App& app);
void add_perf(CLI::App& app);
void add_sweep(CLI::App& app);
void add_serve(CLI::App& app);
void add_board(CLI::App& app);
void add_panel(CLI::App& app);
void add_device_curves(CLI::App& app);
void add_transient(CLI::App& app);

// Old spellings (renamed.cpp): `bench` for `perf`, and options such as `sweep --bench` for
// `--perf`; each fails with InputError cli.renamed naming the new spelling.
void add_renamed_commands(CLI::App& app);
void add_renamed_option(CLI::App& cmd, const std::string& old_option, const std::string& new_option, bool takes_value);

// Shared by subcommands that simulate on ideal or ngspice: --backend and the solver tolerances.
void add_backend_options(CLI::App& cmd, BackendChoice& choice);

// Shared by solve and netlist: which phase, and its values (--phase, --values, --eta).
struct PhaseChoice {
  std::string phase = "free";
  std::vector<double> values;  // one per output: clamp volts, nudge amps or twin targets
  double eta = 0.5;            // twin clamp factor
};
void add_phase_options(CLI::App& cmd, PhaseChoice& choice);
// The drive of that phase; InputError cli.values when --values does not give one per output.
Drive drive_for(const Network& net, const PhaseChoice& choice);

// Prints an error on stderr as main() does: "LABEL: message", then ngspice's lines for a
// SimulationError. Returns main's exit code for it (2 a spiceloop::Error, 3 anything else).
int print_error(const std::exception& e, const std::string& label = "error");

// Writes text to path, or prints it when path is empty (InputError cli.write naming `what`).
void print_or_write(const std::string& text, const std::filesystem::path& path, const std::string& what);

}  // namespace spiceloop::cli
