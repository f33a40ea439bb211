// The one exception the client drivers throw once an address parsed: it names the instrument's
// address, the command in flight (or, for instrument errors, the last command sent before the
// error queue was read) and what went wrong. what() reads
//   [client.timeout] TCPIP0::127.0.0.1::5025::SOCKET: 'MEAS:VOLT? (@1)': no answer within 5000 ms
// Instrument errors carry every entry drained from SYSTem:ERRor? (code and text), the first in
// code()/text().
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace spiceloop::client {

enum class ClientErrorKind {
  Connect,     // refused, unreachable, or the host did not resolve
  Timeout,     // no (complete) answer within the timeout; the connection was dropped
  Closed,      // the instrument closed the connection
  Io,          // any other socket error
  Malformed,   // an answer that is not what the query promises (numbers, a block, an error entry)
  Instrument,  // SYSTem:ERRor? reported errors
  Argument,    // a value the driver refuses to send (NaN, an empty channel list, sizes that differ)
};

// One entry of an instrument's error queue, e.g. {-222, "Data out of range;channel 5 ..."}.
struct InstrumentError {
  int code = 0;
  std::string text;
};

class ClientError : public std::runtime_error {
 public:
  ClientError(ClientErrorKind kind, std::string address, std::string command, std::string detail,
              std::vector<InstrumentError> errors = {});

  ClientErrorKind kind() const { return kind_; }
  const std::string& address() const { return address_; }
  const std::string& command() const { return command_; }
  const std::string& detail() const { return detail_; }
  const std::vector<InstrumentError>& errors() const { return errors_; }
  int code() const { return errors_.empty() ? 0 : errors_.front().code; }  // 0 unless Instrument

 private:
  ClientErrorKind kind_;
  std::string address_;
  std::string command_;
  std::string detail_;
  std::vector<InstrumentError> errors_;
};

const char* to_id(ClientErrorKind kind);  // "client.timeout", ...

}  // namespace spiceloop::client
