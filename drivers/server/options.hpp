#pragma once
// Limits and addresses shared by the server classes. Every limit bounds memory per connection:
// the framer holds at most max_line_bytes of one unfinished line (-363 beyond), one read's answers
// at most max_output_bytes (-410 beyond), and a connection stops reading while more than
// max_pending_output_bytes of answers wait for a client that does not read them.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "drivers/scpi/session.hpp"

namespace spiceloop::scpi {
class Status;
}

namespace spiceloop::server {

struct ConnectionLimits {
  scpi::SessionLimits session{};
  std::size_t max_pending_output_bytes = 1 << 20;
  std::size_t read_chunk_bytes = 4096;
  std::size_t max_connections = 256;  // per port; further clients are accepted and closed at once
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: a free port, see port()
  ConnectionLimits limits{};
};

// How one port of a ServerGroup differs from the group's defaults.
struct PortOptions {
  std::string host;                   // "" = the group's host; the control port forces 127.0.0.1
  std::optional<std::uint16_t> port;  // unset = the next number from the group's base port
  scpi::Status* status = nullptr;     // error queue for the "error" fault (add() sets it)
  bool pausable = true;               // false: keeps serving while the group is paused (control)
  bool logged = true;                 // false: kept out of the traffic log (control)
  // A line (without its terminator) that aborts the command the port runs (add(): SCPI *RST).
  std::function<bool(std::string_view)> abort_line;
};

}  // namespace spiceloop::server
