#pragma once
// Limits and addresses shared by the server classes. Every limit bounds memory per connection:
// the framer holds at most max_line_bytes of one unfinished line (-363 beyond), one read's answers
// at most max_output_bytes (-410 beyond), and a connection stops reading while more than
// max_pending_output_bytes of answers wait for a client that does not read them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "drivers/scpi/session.hpp"

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

}  // namespace spiceloop::server
