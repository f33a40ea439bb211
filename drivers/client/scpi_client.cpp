// ScpiClient over Boost.Asio: async operations run on a private io_context until a per-call deadline
// (run_until), so every blocking call is bounded; a missed deadline cancels and drops the connection.
#include "drivers/client/scpi_client.hpp"

#include <bit>
#include <cstdint>
#include <functional>
#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include "drivers/client/scpi_text.hpp"

namespace spiceloop::client {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

namespace {

// What an answer looked like, for error messages: printable, at most 60 characters.
std::string excerpt(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 60)) out += (c >= 32 && c < 127) ? c : '.';
  if (s.size() > 60) out += "...";
  return out;
}

std::string describe(const std::vector<InstrumentError>& errors) {
  std::string d = "instrument error " + std::to_string(errors.front().code) + ",\"" + errors.front().text + "\"";
  if (errors.size() > 1) {
    d += " (then";
    for (std::size_t i = 1; i < errors.size(); ++i)
      d += (i > 1 ? "; " : " ") + std::to_string(errors[i].code) + ",\"" + errors[i].text + "\"";
    d += ")";
  }
  return d;
}

}  // namespace

struct ScpiClient::Impl {
  VisaAddress address;
  std::string address_text;
  ClientOptions options;
  asio::io_context io;
  tcp::socket socket{io};
  std::string buffer;        // bytes read past the last answer consumed
  std::string last_command;  // named by check_errors()

  Impl(VisaAddress a, ClientOptions o) : address(std::move(a)), address_text(address.text()), options(o) {}

  [[noreturn]] void fail(ClientErrorKind kind, std::string_view command, std::string detail) {
    throw ClientError(kind, address_text, std::string(command), std::move(detail));
  }

  void drop() noexcept {
    error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    buffer.clear();
  }

  // Runs the started operation until it completes or the deadline passes. On the deadline the
  // operation is cancelled (its handler still runs, with operation_aborted) and the connection dropped.
  void run(const bool& done, Clock::time_point deadline, std::string_view command, std::string_view waiting_for,
           const std::function<void()>& cancel) {
    io.restart();
    io.run_until(deadline);
    if (done) return;
    cancel();
    drop();
    io.restart();
    io.run();
    fail(ClientErrorKind::Timeout, command,
         std::string(waiting_for) + " within " + std::to_string(options.timeout.count()) + " ms");
  }
  void run(const bool& done, Clock::time_point deadline, std::string_view command, std::string_view waiting_for) {
    run(done, deadline, command, waiting_for, [] {});
  }

  [[noreturn]] void io_failed(const error_code& ec, std::string_view command, std::string_view during) {
    drop();
    if (ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
        ec == asio::error::connection_aborted)
      fail(ClientErrorKind::Closed, command, "the instrument closed the connection (" + std::string(during) + ")");
    fail(ClientErrorKind::Io, command, std::string(during) + " failed: " + ec.message());
  }

  void connect(Clock::time_point deadline, std::string_view command) {
    tcp::resolver::results_type endpoints;
    error_code ec;
    if (const auto ip = asio::ip::make_address(address.host, ec); !ec) {
      endpoints = tcp::resolver::results_type::create(tcp::endpoint(ip, address.port), address.host,
                                                       std::to_string(address.port));
    } else {
      tcp::resolver resolver(io);
      bool done = false;
      resolver.async_resolve(address.host, std::to_string(address.port),
                             [&](const error_code& e, tcp::resolver::results_type r) {
                               ec = e;
                               endpoints = std::move(r);
                               done = true;
                             });
      run(done, deadline, command, "no answer from the name resolver", [&] { resolver.cancel(); });
      if (ec) fail(ClientErrorKind::Connect, command, "cannot resolve '" + address.host + "': " + ec.message());
    }
    bool done = false;
    asio::async_connect(socket, endpoints, [&](const error_code& e, const tcp::endpoint&) {
      ec = e;
      done = true;
    });
    run(done, deadline, command, "no connection");
    if (ec) {
      drop();
      fail(ClientErrorKind::Connect, command, "cannot connect: " + ec.message());
    }
    // Small request/answer messages: without NODELAY, Nagle plus delayed ACK add ~40 ms a query.
    socket.set_option(tcp::no_delay(true), ec);
    socket.set_option(asio::socket_base::keep_alive(true), ec);
  }

  void send(std::string_view command, Clock::time_point deadline) {
    if (!socket.is_open()) connect(deadline, command);
    std::string message(command);
    if (message.empty() || message.back() != '\n') message += '\n';
    bool done = false;
    error_code ec;
    asio::async_write(socket, asio::buffer(message), [&](const error_code& e, std::size_t) {
      ec = e;
      done = true;
    });
    run(done, deadline, command, "could not send");
    if (ec) io_failed(ec, command, "sending");
  }

  // Makes the buffer hold at least n bytes.
  void fill(std::size_t n, Clock::time_point deadline, std::string_view command) {
    if (buffer.size() >= n) return;
    if (!socket.is_open()) fail(ClientErrorKind::Closed, command, "not connected");
    bool done = false;
    error_code ec;
    asio::async_read(socket, asio::dynamic_buffer(buffer), asio::transfer_at_least(n - buffer.size()),
                     [&](const error_code& e, std::size_t) {
                       ec = e;
                       done = true;
                     });
    run(done, deadline, command, "no complete answer");
    if (ec) io_failed(ec, command, "reading the answer");
  }

  std::string read_line(Clock::time_point deadline, std::string_view command) {
    if (!socket.is_open())
      fail(ClientErrorKind::Closed, command, "not connected");
    bool done = false;
    error_code ec;
    std::size_t n = 0;
    asio::async_read_until(socket, asio::dynamic_buffer(buffer, options.max_answer_bytes), '\n',
                           [&](const error_code& e, std::size_t bytes) {
                             ec = e;
                             n = bytes;
                             done = true;
                           });
    run(done, deadline, command, "no answer");
    if (ec == asio::error::not_found) {
      drop();
      fail(ClientErrorKind::Malformed, command,
           "answer longer than " + std::to_string(options.max_answer_bytes) + " bytes without a newline");
    }
    if (ec) io_failed(ec, command, "reading the answer");
    std::string line = buffer.substr(0, n - 1);
    buffer.erase(0, n);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }

  std::string query(std::string_view command) {
    const auto deadline = Clock::now() + options.timeout;
    send(command, deadline);
    return read_line(deadline, command);
  }

  std::string query_block(std::string_view command) {
    const auto deadline = Clock::now() + options.timeout;
    send(command, deadline);
    fill(2, deadline, command);
    const char d = buffer[1];
    if (buffer[0] != '#' || d < '0' || d > '9') {
      // Most likely an ASCII answer (FORM still ASC): it is a whole line, so the stream stays in step.
      const std::string line = read_line(deadline, command);
      fail(ClientErrorKind::Malformed, command, "expected a definite block '#<d><len><bytes>', got '" + excerpt(line) + "'");
    }
    if (d == '0') {
      drop();  // where an indefinite block ends cannot be told apart from a newline in its data
      fail(ClientErrorKind::Malformed, command, "indefinite-length block (#0) is not supported");
    }
    const std::size_t digits = static_cast<std::size_t>(d - '0');
    fill(2 + digits, deadline, command);
    const std::string_view len_text(buffer.data() + 2, digits);
    std::optional<std::size_t> length;
    if (const auto v = parse_number(len_text); v && len_text.find_first_not_of("0123456789") == std::string_view::npos)
      length = static_cast<std::size_t>(*v);
    if (!length) {
      const std::string got = excerpt(buffer);
      drop();
      fail(ClientErrorKind::Malformed, command, "block length is not a number: '" + got + "'");
    }
    if (*length > options.max_answer_bytes) {
      drop();
      fail(ClientErrorKind::Malformed, command,
           "block of " + std::to_string(*length) + " bytes exceeds max_answer_bytes " + std::to_string(options.max_answer_bytes));
    }
    const std::size_t end = 2 + digits + *length;
    fill(end + 1, deadline, command);
    std::size_t after = end + 1;
    if (buffer[end] == '\r') {
      fill(end + 2, deadline, command);
      after = buffer[end + 1] == '\n' ? end + 2 : 0;
    } else if (buffer[end] != '\n') {
      after = 0;
    }
    if (after == 0) {
      drop();
      fail(ClientErrorKind::Malformed, command,
           "the block of " + std::to_string(*length) + " bytes is not followed by a newline");
    }
    std::string bytes = buffer.substr(2 + digits, *length);
    buffer.erase(0, after);
    return bytes;
  }

  std::vector<InstrumentError> read_errors() {
    std::vector<InstrumentError> errors;
    for (std::size_t i = 0; i < options.max_error_reads; ++i) {
      const std::string line = query("SYST:ERR?");
      const auto entry = parse_error_entry(line);
      if (!entry) fail(ClientErrorKind::Malformed, "SYST:ERR?", "not an error entry: '" + excerpt(line) + "'");
      if (entry->code == 0) break;
      errors.push_back(*entry);
    }
    return errors;
  }

  [[noreturn]] void instrument_failed(std::string_view command, std::vector<InstrumentError> errors) {
    std::string detail = describe(errors);
    throw ClientError(ClientErrorKind::Instrument, address_text, std::string(command), std::move(detail), std::move(errors));
  }
};

ScpiClient::ScpiClient(VisaAddress address, ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(address), options)) {
  const auto deadline = Clock::now() + options.timeout;
  impl_->connect(deadline, "");
  if (options.clear_on_connect) impl_->send("*CLS", deadline);
}
ScpiClient::ScpiClient(std::string_view visa_address, ClientOptions options)
    : ScpiClient(VisaAddress::parse(visa_address), options) {}
ScpiClient::ScpiClient(ScpiClient&&) noexcept = default;
ScpiClient& ScpiClient::operator=(ScpiClient&&) noexcept = default;
ScpiClient::~ScpiClient() = default;

const VisaAddress& ScpiClient::address() const { return impl_->address; }
std::chrono::milliseconds ScpiClient::timeout() const { return impl_->options.timeout; }
void ScpiClient::set_timeout(std::chrono::milliseconds timeout) { impl_->options.timeout = timeout; }
bool ScpiClient::connected() const { return impl_->socket.is_open(); }
void ScpiClient::close() noexcept { impl_->drop(); }

void ScpiClient::write(std::string_view command) {
  impl_->last_command = command;
  impl_->send(command, Clock::now() + impl_->options.timeout);
}

std::string ScpiClient::query(std::string_view command) {
  impl_->last_command = command;
  return impl_->query(command);
}

std::string ScpiClient::read_line() {
  return impl_->read_line(Clock::now() + impl_->options.timeout, impl_->last_command);
}

std::vector<double> ScpiClient::query_numbers(std::string_view command) {
  const std::string line = query(command);
  auto numbers = parse_numbers(line);
  if (!numbers) impl_->fail(ClientErrorKind::Malformed, command, "expected comma-separated numbers, got '" + excerpt(line) + "'");
  return std::move(*numbers);
}

std::string ScpiClient::query_block(std::string_view command) {
  impl_->last_command = command;
  return impl_->query_block(command);
}

std::vector<double> ScpiClient::query_real64(std::string_view command, bool big_endian) {
  const std::string bytes = query_block(command);
  if (bytes.size() % 8 != 0)
    impl_->fail(ClientErrorKind::Malformed, command,
                "a REAL,64 block of " + std::to_string(bytes.size()) + " bytes is not a whole number of doubles");
  std::vector<double> values(bytes.size() / 8);
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::uint64_t bits = 0;
    for (std::size_t k = 0; k < 8; ++k)
      bits = (bits << 8) | static_cast<unsigned char>(bytes[8 * i + (big_endian ? k : 7 - k)]);
    values[i] = std::bit_cast<double>(bits);
  }
  return values;
}

std::vector<InstrumentError> ScpiClient::read_errors() { return impl_->read_errors(); }

void ScpiClient::check_errors() {
  auto errors = impl_->read_errors();
  if (!errors.empty()) impl_->instrument_failed(impl_->last_command, std::move(errors));
}

void ScpiClient::write_checked(std::string_view command) {
  impl_->last_command = command;
  std::string message(command);
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.pop_back();
  message += ";:SYST:ERR?";
  const std::string line = impl_->query(message);
  const auto first = parse_error_entry(line);
  if (!first)
    impl_->fail(ClientErrorKind::Malformed, command, "expected an error entry after the command, got '" + excerpt(line) + "'");
  if (first->code == 0) return;
  std::vector<InstrumentError> errors{*first};
  for (auto& e : impl_->read_errors()) errors.push_back(std::move(e));
  impl_->instrument_failed(command, std::move(errors));
}

std::string ScpiClient::identify() { return query("*IDN?"); }

}  // namespace spiceloop::client
