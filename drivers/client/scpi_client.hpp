// A blocking SCPI client over a raw TCP socket (Boost.Asio), for stand-ins and real instruments
// alike. Every call takes at most `timeout` from start to finish (connect, write and the whole
// answer share one deadline); a call that runs out of time drops the connection, because a late
// answer would otherwise be read as the answer to the next query. Any dropped connection (timeout,
// peer closed, garbled block) is re-opened by the next call, so one stuck query costs one error,
// not the session. The constructor connects at once, so a wrong address fails early, and sends
// *CLS (unless options.clear_on_connect is false): the error queue and event registers are the
// instrument's, shared by every client, so an error another client left there would otherwise be
// read as ours by the first check_errors(). A reconnect does not clear: after a refused query times
// out, check_errors() on the new connection is how its error is found.
//
// Messages go out with one trailing "\n"; answers are read up to "\n" (a "\r" before it is
// dropped). Blocks `#<d><len><bytes>` are read by length, so their bytes may hold "\n".
// Every failure is a ClientError naming the address and the command. Instruments answer nothing
// to a bad command (the error goes to their queue), so check_errors() or write_checked() is how a
// refused setting surfaces; a query the instrument refuses shows up as a timeout.
// Not thread-safe: one client per thread (several clients may talk to one instrument).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/client/client_error.hpp"
#include "drivers/client/visa_address.hpp"

namespace spiceloop::client {

struct ClientOptions {
  std::chrono::milliseconds timeout{5000};
  std::size_t max_answer_bytes = 64u << 20;  // a longer line or block is Malformed, memory stays bounded
  std::size_t max_error_reads = 64;          // SYST:ERR? reads per drain (queues hold 20 + overflow)
  bool clear_on_connect = true;              // *CLS once connected in the constructor
};

class ScpiClient {
 public:
  explicit ScpiClient(VisaAddress address, ClientOptions options = {});
  explicit ScpiClient(std::string_view visa_address, ClientOptions options = {});  // AddressError
  ScpiClient(ScpiClient&&) noexcept;
  ScpiClient& operator=(ScpiClient&&) noexcept;
  ~ScpiClient();

  const VisaAddress& address() const;
  std::chrono::milliseconds timeout() const;
  void set_timeout(std::chrono::milliseconds timeout);
  bool connected() const;
  void close() noexcept;  // the next call reconnects

  // A program message that answers nothing.
  void write(std::string_view command);
  // One answer line (without "\n") for a message that holds queries.
  std::string query(std::string_view command);
  // Reads one more answer line, for a query sent with write().
  std::string read_line();
  // Comma-separated NR1/NR2/NR3 answers as doubles (std::from_chars; no locale).
  std::vector<double> query_numbers(std::string_view command);
  // The bytes of an IEEE 488.2 definite block `#<d><len><bytes>` and its "\n".
  std::string query_block(std::string_view command);
  // A REAL,64 block: IEEE doubles, big-endian (FORM:BORD NORM) or little-endian (SWAP).
  std::vector<double> query_real64(std::string_view command, bool big_endian = true);

  // Drains SYSTem:ERRor? until `+0,...`; returns the entries before it, oldest first.
  std::vector<InstrumentError> read_errors();
  // Drains the queue and throws ClientError(Instrument) naming the last command if it held any.
  void check_errors();
  // Sends `command;:SYST:ERR?` in one message (one round trip) and throws like check_errors()
  // when the instrument refused anything. For commands only: a query in `command` would join
  // its answer to the error entry.
  void write_checked(std::string_view command);
  std::string identify();  // *IDN?

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace spiceloop::client
