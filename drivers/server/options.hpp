#pragma once
// Limits and addresses shared by the server classes. Every limit bounds memory per connection or
// connections per port:
// - the framer holds at most max_line_bytes of one unfinished line (-363 beyond), and one read's
//   answers are at most max_output_bytes (-410 beyond);
// - a connection stops reading while more than max_pending_output_bytes of answers wait for a
//   client that does not read them, so it holds at most that plus one read's answers; when the
//   client has taken no byte for stalled_output_timeout in that state, it is dropped;
// - a port admits max_connections clients, at most max_connections_per_peer from one address; a
//   client over a limit is sent one refusal line and closed, unless a connection idle for at least
//   reclaim_idle_after can make room (the one idle longest, from that address when the per-peer
//   limit is the one reached), so idle connections never lock a port;
// - idle_timeout (0: never) closes a connection idle that long.
// Idle means: no command of the connection running or waiting, no answer unsent or delayed, since
// the last bytes received or sent. A connection whose command runs (a 30 s learning clock) is busy.
// A pseudo-terminal has one connection for good: the connection limits and timeouts skip it.
#include <chrono>
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
  std::size_t max_pending_output_bytes = 256 * 1024;
  std::chrono::milliseconds stalled_output_timeout{30'000};  // 0: never drop
  std::size_t read_chunk_bytes = 4096;
  std::size_t max_connections = 256;                     // per port
  std::size_t max_connections_per_peer = 64;             // per port and client IP address
  std::chrono::milliseconds reclaim_idle_after{10'000};  // 0: a full port never closes idle clients
  std::chrono::milliseconds idle_timeout{0};             // 0: idle clients stay
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: a free port, see port()
  ConnectionLimits limits{};
};

// The line a client over a connection limit reads before the close; `reason` is plain English
// without a terminator. The default, for SCPI and plain line protocols, is plain_refusal:
// "spiceloop: connection refused: <reason>\n".
using RefusalFormat = std::function<std::string(const std::string& reason)>;
std::string plain_refusal(const std::string& reason);

// How one port of a ServerGroup differs from the group's defaults.
struct PortOptions {
  std::string host;                   // "" = the group's host; the control port forces 127.0.0.1
  std::optional<std::uint16_t> port;  // unset = the next number from the group's base port
  scpi::Status* status = nullptr;     // error queue for the "error" fault (add() sets it)
  bool pausable = true;               // false: keeps serving while the group is paused (control)
  bool logged = true;                 // false: kept out of the traffic log (control)
  bool accepts_faults = true;         // false: the control port, which must stay able to clear faults
  RefusalFormat refusal;              // empty: plain_refusal
  // A line (without its terminator) that aborts the command the port runs (add(): SCPI *RST).
  std::function<bool(std::string_view)> abort_line;
};

}  // namespace spiceloop::server
