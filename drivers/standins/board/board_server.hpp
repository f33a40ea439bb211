// The lab board on sockets: one transistor learning machine (a BoardMachine), its settings, and a
// ServerGroup serving its serial protocol (board_line.hpp) on TCP ("board") and on a
// pseudo-terminal ("board-pty", the board's USB serial port), both under one mutex: one board,
// one command at a time, whichever port it came in on. What `spiceloop board` and the tests start.
// A machine without pseudo-terminals still serves TCP (pty_error() says why).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "drivers/server/options.hpp"
#include "drivers/server/server_group.hpp"
#include "drivers/standins/board/board_line.hpp"
#include "drivers/standins/lab/lab.hpp"
#include "emulator/bench/board_machine.hpp"

namespace spiceloop::standins {

struct BoardServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: a free port
  bool pty = true;
  server::ConnectionLimits limits{};
  BoardLineOptions line{};
};

class BoardServer {
 public:
  // Binds (throws server::BindError); serving starts with start(). machine must outlive this.
  BoardServer(BoardMachine& machine, BoardServerOptions options = {});
  ~BoardServer();
  BoardServer(const BoardServer&) = delete;
  BoardServer& operator=(const BoardServer&) = delete;

  void start() { group_->start(); }
  void stop() noexcept { group_->stop(); }

  std::mutex& mutex() { return *mutex_; }
  const BoardSettings& settings() const { return settings_; }
  server::ServerGroup& group() { return *group_; }
  // "board" (a TCPIP::...::SOCKET resource) and "board-pty" (a path) when it was opened.
  std::vector<LabAddress> addresses() const;
  const std::string& pty_error() const { return pty_error_; }
  // {"spiceloop_addresses": 1, "network": <network file>, "board": ..., "board-pty": ...}: what
  // `spiceloop train --backend hil --instruments ADDRS.json` reads to train through the board.
  nlohmann::json addresses_json(const std::string& network_file) const;

 private:
  BoardMachine& machine_;
  BoardSettings settings_;
  std::shared_ptr<std::mutex> mutex_;
  std::string pty_error_;
  std::unique_ptr<server::ServerGroup> group_;  // last: stops before what it serves goes
};

}  // namespace spiceloop::standins
