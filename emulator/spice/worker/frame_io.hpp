// Blocking frame I/O on the worker's end of the protocol socket (see protocol.hpp). The worker
// has nothing else to do while waiting, so it simply blocks; the parent owns every timeout.
#pragma once

#include <optional>

#include "emulator/spice/protocol.hpp"

namespace spiceloop::worker {

// The next frame, or nullopt at end of stream (the parent went away). Throws ProtocolError on a
// malformed header.
std::optional<protocol::Frame> read_frame(int fd);

// Writes one whole frame; returns false if the parent is gone.
bool write_frame(int fd, protocol::MessageType type, const std::string& payload);

}  // namespace spiceloop::worker
