// spiceloop serve BENCH.json: the emulated lab table on sockets. Prints the VISA address of every
// instrument (and the pty of the digipot board, the control port), optionally writes them to an
// addresses file for `spiceloop train --backend hil --instruments ADDRS.json`, prints "ready", and
// serves until SIGINT or SIGTERM. With --panel, also the front panel (drivers/panel) on 127.0.0.1,
// its address printed with a fresh token that lets the page pause, fault and reseed.
// A port already in use is InputError cli.bind (exit status 2, as for every input error).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <optional>

#include <fmt/format.h>

#include "drivers/panel/token.hpp"
#include "drivers/server/instrument_port.hpp"
#include "drivers/standins/lab/lab.hpp"
#include "emulator/bench/bench_config.hpp"
#include "emulator/core/error.hpp"
#include "emulator/core/atomic_file.hpp"
#include "tools/spiceloop/commands.hpp"
#include "tools/spiceloop/lab_panel.hpp"
#include "tools/spiceloop/run_panel.hpp"
#include "tools/spiceloop/stop_signals.hpp"

namespace spiceloop::cli {

namespace {

struct ServeArgs {
  std::string bench;
  std::string host = "127.0.0.1";
  int port = 5025;
  std::string addresses;
  bool no_pty = false;
  bool panel = false;
  int panel_port = -1;  // -1: the next port after the instruments'
  double idle_timeout_seconds = 0;
  double reclaim_idle_seconds = 10;
  long max_connections = 256;
  long max_connections_per_peer = 64;
  BackendChoice backend;
};

std::chrono::milliseconds seconds_option(double seconds, const char* option) {
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 1e6)
    throw InputError("cli.seconds", option, fmt::format("{} is not a time in seconds (0..1e6; 0 = never)", seconds));
  return std::chrono::milliseconds(std::llround(seconds * 1000.0));
}

std::size_t count_option(long n, const char* option) {
  if (n < 1 || n > 100000)
    throw InputError("cli.count", option, fmt::format("{} is not a connection count (1..100000)", n));
  return static_cast<std::size_t>(n);
}

server::ConnectionLimits connection_limits(const ServeArgs& args) {
  server::ConnectionLimits limits;
  limits.idle_timeout = seconds_option(args.idle_timeout_seconds, "--idle-timeout");
  limits.reclaim_idle_after = seconds_option(args.reclaim_idle_seconds, "--reclaim-idle-after");
  limits.max_connections = count_option(args.max_connections, "--max-connections");
  limits.max_connections_per_peer = count_option(args.max_connections_per_peer, "--max-connections-per-peer");
  return limits;
}

void run(const ServeArgs& args) {
  if (args.port < 0 || args.port > 65535)
    throw InputError("cli.port", "--port", fmt::format("{} is not a TCP port (0..65535; 0 picks free ports)", args.port));
  const server::ConnectionLimits limits = connection_limits(args);
  BenchConfig config = load_bench_file(args.bench);
  auto sim = make_simulator(args.backend);

  // Before any thread starts, so only the wait below sees them.
  StopSignals stop_signals;

  standins::LabOptions options;
  options.host = args.host;
  options.base_port = static_cast<std::uint16_t>(args.port);
  options.pty = !args.no_pty;
  options.limits = limits;
  const std::string name = config.name;
  const std::string network = config.network.name;
  const std::optional<std::uint16_t> panel_port = panel_port_option(args.panel_port, "--panel");
  std::unique_ptr<LabPanel> front_panel;  // before the lab: it must outlive the lab's io thread
  std::optional<standins::Lab> lab_slot;
  try {
    lab_slot.emplace(std::move(config), *sim, options);
  } catch (const server::BindError& e) {
    throw InputError("cli.bind", fmt::format("--host {} --port {}", args.host, args.port),
                     fmt::format("{}; stop what holds it, or choose another --port (0 picks free ports)", e.what()));
  }
  standins::Lab& lab = *lab_slot;
  if (args.panel) try {
      panel::PanelOptions po;
      po.token = panel::make_token();
      front_panel = std::make_unique<LabPanel>(lab, po, panel_port);
    } catch (const server::BindError& e) {
      throw InputError("cli.bind", "--panel",
                       fmt::format("{}; stop what holds it, or give --panel another port (0 picks a free one)", e.what()));
    }
  lab.start();

  fmt::print("spiceloop serve: bench {} (network {}, {} backend)\n", name, network, args.backend.backend);
  for (const auto& a : lab.addresses()) {
    if (a.name == "panel") continue;
    fmt::print("  {:<14} {}{}\n", a.name, a.address,
               a.name == "control" ? "  (JSON lines)" : a.name == "digipots-pty" ? "  (serial line protocol)" : "");
  }
  if (front_panel)
    fmt::print("  panel          {}  (web page; the token after # lets it pause, fault and reseed)\n", front_panel->url());
  if (!lab.pty_error().empty()) fmt::print("  (no pseudo-terminal for the digipot board: {})\n", lab.pty_error());
  if (!args.addresses.empty()) {
    write_file_atomically(args.addresses, lab.addresses_json(args.bench).dump(2) + "\n");
    fmt::print("addresses written to {}\n", args.addresses);
  }
  fmt::print("ready (Ctrl-C stops)\n");
  std::fflush(stdout);

  const int signal = stop_signals.wait();
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
  cmd->add_option("--panel", args->panel_port,
                  "Serve the front panel (a web page) on 127.0.0.1, on PORT if given (0: a free one)")
      ->expected(0, 1);
  cmd->add_option("--idle-timeout", args->idle_timeout_seconds,
                  "Close a connection idle this long: nothing received or owed, no command running (seconds; "
                  "0 = never)")
      ->capture_default_str();
  cmd->add_option("--reclaim-idle-after", args->reclaim_idle_seconds,
                  "A full port closes its longest-idle connection, idle at least this long, for a new client "
                  "(seconds; 0 = never)")
      ->capture_default_str();
  cmd->add_option("--max-connections", args->max_connections, "Clients served at once per port")->capture_default_str();
  cmd->add_option("--max-connections-per-peer", args->max_connections_per_peer,
                  "Clients served at once per port from one IP address")
      ->capture_default_str();
  add_backend_options(*cmd, args->backend);
  cmd->callback([args, cmd] {
    args->panel = cmd->count("--panel") > 0;
    run(*args);
  });
}

}  // namespace spiceloop::cli
