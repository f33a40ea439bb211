// spiceloop serve BENCH.json: the emulated lab table on sockets. Prints the VISA address of every
// instrument (and the pty of the digipot board, the control port), optionally writes them to an
// addresses file for `spiceloop train --backend hil --instruments ADDRS.json`, prints "ready", and
// serves until SIGINT or SIGTERM.
#include <csignal>
#include <cstdio>
#include <fstream>

#include <fmt/format.h>

#include "drivers/standins/lab/lab.hpp"
#include "emulator/bench/bench_config.hpp"
#include "emulator/core/error.hpp"
#include "emulator/core/atomic_file.hpp"
#include "tools/spiceloop/commands.hpp"

namespace spiceloop::cli {

namespace {

struct ServeArgs {
  std::string bench;
  std::string host = "127.0.0.1";
  int port = 5025;
  std::string addresses;
  bool no_pty = false;
  BackendChoice backend;
};

void run(const ServeArgs& args) {
  if (args.port < 0 || args.port > 65535)
    throw InputError("cli.port", "--port", fmt::format("{} is not a TCP port (0..65535; 0 picks free ports)", args.port));
  BenchConfig config = load_bench_file(args.bench);
  auto sim = make_simulator(args.backend);

  // Block the stop signals before any thread starts, so only sigwait below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  standins::LabOptions options;
  options.host = args.host;
  options.base_port = static_cast<std::uint16_t>(args.port);
  options.pty = !args.no_pty;
  const std::string name = config.name;
  const std::string network = config.network.name;
  standins::Lab lab(std::move(config), *sim, options);
  lab.start();

  fmt::print("spiceloop serve: bench {} (network {}, {} backend)\n", name, network, args.backend.backend);
  for (const auto& a : lab.addresses())
    fmt::print("  {:<14} {}{}\n", a.name, a.address,
               a.name == "control" ? "  (JSON lines)" : a.name == "digipots-pty" ? "  (serial line protocol)" : "");
  if (!lab.pty_error().empty()) fmt::print("  (no pseudo-terminal for the digipot board: {})\n", lab.pty_error());
  if (!args.addresses.empty()) {
    write_file_atomically(args.addresses, lab.addresses_json(args.bench).dump(2) + "\n");
    fmt::print("addresses written to {}\n", args.addresses);
  }
  fmt::print("ready (Ctrl-C stops)\n");
  std::fflush(stdout);

  int signal = 0;
  sigwait(&stop_signals, &signal);
  fmt::print("stopping on signal {}\n", signal);
  lab.stop();
}

}  // namespace

void add_serve(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand("serve", "Serve the instruments of a bench over SCPI sockets (stand-ins for lab gear)");
  cmd->add_option("bench", args->bench, "Bench JSON (e.g. netlists/benches/lab16_hil.json)")->required();
  cmd->add_option("--host", args->host, "Address to bind (127.0.0.1 unless told otherwise)")->capture_default_str();
  cmd->add_option("--port", args->port, "First TCP port; the others follow it (0: free ports)")->capture_default_str();
  cmd->add_option("--addresses", args->addresses, "Write the instruments' addresses to this JSON file");
  cmd->add_flag("--no-pty", args->no_pty, "Do not offer the digipot line protocol on a pseudo-terminal");
  add_backend_options(*cmd, args->backend);
  cmd->callback([args] { run(*args); });
}

}  // namespace spiceloop::cli
