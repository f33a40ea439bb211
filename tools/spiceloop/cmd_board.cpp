// spiceloop board NETWORK.json: the lab board of the transistor learning machine on a TCP port and
// a pseudo-terminal (its USB serial port), speaking the board's semicolon-delimited protocol
// (drivers/standins/README.md, "Lab board") over the stepped machine on the chosen backend
// (emulator/bench/board_machine.hpp). Prints both addresses, optionally writes an addresses file
// for `spiceloop train --backend hil --instruments ADDRS.json`, prints "ready", and serves until
// SIGINT or SIGTERM. A port already in use is InputError cli.bind.
#include <cstdio>
#include <optional>

#include <fmt/format.h>

#include "drivers/server/instrument_port.hpp"
#include "drivers/standins/board/board_server.hpp"
#include "emulator/bench/board_machine.hpp"
#include "emulator/core/atomic_file.hpp"
#include "emulator/core/error.hpp"
#include "emulator/network/load.hpp"
#include "tools/spiceloop/commands.hpp"
#include "tools/spiceloop/stop_signals.hpp"

namespace spiceloop::cli {

namespace {

struct BoardArgs {
  std::string network;
  std::string host = "127.0.0.1";
  int port = 5040;
  std::string addresses;
  bool no_pty = false;
  BackendChoice backend;
};

void run(const BoardArgs& args) {
  if (args.port < 0 || args.port > 65535)
    throw InputError("cli.port", "--port", fmt::format("{} is not a TCP port (0..65535; 0 picks a free one)", args.port));
  Network net = load_network_file(args.network);
  auto sim = make_simulator(args.backend);
  StopSignals stop_signals;  // before any thread starts

  const std::string name = net.name;
  SteppedBoardMachine machine(std::move(net), *sim);
  standins::BoardServerOptions options;
  options.host = args.host;
  options.port = static_cast<std::uint16_t>(args.port);
  options.pty = !args.no_pty;
  std::optional<standins::BoardServer> board;
  try {
    board.emplace(machine, options);
  } catch (const server::BindError& e) {
    throw InputError("cli.bind", fmt::format("--host {} --port {}", args.host, args.port),
                     fmt::format("{}; stop what holds it, or choose another --port (0 picks a free one)", e.what()));
  }
  board->start();

  fmt::print("spiceloop board: network {} ({} gates, {} backend)\n", name, gate_edges(machine.network()).size(),
             args.backend.backend);
  for (const auto& a : board->addresses())
    fmt::print("  {:<10} {}{}\n", a.name, a.address, a.name == "board-pty" ? "  (serial line)" : "");
  if (!board->pty_error().empty()) fmt::print("  (no pseudo-terminal: {})\n", board->pty_error());
  if (!args.addresses.empty()) {
    write_file_atomically(args.addresses, board->addresses_json(args.network).dump(2) + "\n");
    fmt::print("addresses written to {}\n", args.addresses);
  }
  fmt::print("ready (Ctrl-C stops)\n");
  std::fflush(stdout);

  const int signal = stop_signals.wait();
  fmt::print("stopping on signal {}\n", signal);
  board->stop();
}

}  // namespace

void add_board(CLI::App& app) {
  auto args = std::make_shared<BoardArgs>();
  auto* cmd = app.add_subcommand("board", "Serve the transistor learning machine's lab board (its serial protocol) on TCP and a pty");
  cmd->add_option("network", args->network, "Transistor network JSON (e.g. netlists/clln4x4.json)")->required();
  cmd->add_option("--host", args->host, "Address to bind (127.0.0.1 unless told otherwise)")->capture_default_str();
  cmd->add_option("--port", args->port, "TCP port (0: a free one)")->capture_default_str();
  cmd->add_option("--addresses", args->addresses, "Write the board's addresses to this JSON file (for train --backend hil)");
  cmd->add_flag("--no-pty", args->no_pty, "Do not offer the protocol on a pseudo-terminal");
  add_backend_options(*cmd, args->backend);
  cmd->callback([args] { run(*args); });
}

}  // namespace spiceloop::cli
