// ClientError: the what() text `[client.<kind>] <address>: '<command>': <detail>` and the kind ids.
#include "drivers/client/client_error.hpp"

namespace spiceloop::client {

namespace {

std::string message(ClientErrorKind kind, const std::string& address, const std::string& command,
                    const std::string& detail) {
  // Appends rather than operator+ chains, which trip GCC 12's false -Wrestrict warning.
  std::string m = "[";
  m.append(to_id(kind)).append("] ").append(address);
  if (!command.empty()) m.append(": '").append(command).append("'");
  return m.append(": ").append(detail);
}

}  // namespace

ClientError::ClientError(ClientErrorKind kind, std::string address, std::string command, std::string detail,
                         std::vector<InstrumentError> errors)
    : std::runtime_error(message(kind, address, command, detail)),
      kind_(kind),
      address_(std::move(address)),
      command_(std::move(command)),
      detail_(std::move(detail)),
      errors_(std::move(errors)) {}

const char* to_id(ClientErrorKind kind) {
  switch (kind) {
    case ClientErrorKind::Connect: return "client.connect";
    case ClientErrorKind::Timeout: return "client.timeout";
    case ClientErrorKind::Closed: return "client.closed";
    case ClientErrorKind::Io: return "client.io";
    case ClientErrorKind::Malformed: return "client.malformed";
    case ClientErrorKind::Instrument: return "client.instrument";
    case ClientErrorKind::Argument: return "client.argument";
  }
  return "client.unknown";
}

}  // namespace spiceloop::client
