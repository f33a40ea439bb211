#pragma once
// One client of a port: a byte stream (a TCP socket, or a pty's master side) and its own Endpoint
// (framing and output) over the port's shared state, run under the port's mutex. At most one read
// and one write are outstanding; reading, and running what was read, pause while the unsent
// answers exceed max_pending_output_bytes and resume as they drain. Bad input never closes the connection; only
// the peer closing, a socket error, stop(), the fault "drop", or (TCP only) the limits of
// options.hpp do: no byte taken by the client for stalled_output_timeout while over the output
// bound, idle_timeout, or a full port reclaiming an idle connection. What a connection still owes
// is freed when it stops; the port's total is PortContext::unsent_bytes.
// Commands run on the port's worker (port_work.hpp), never on the io thread: the bytes read wait
// in the inbox, are handed over, and nothing more of this connection runs until the answers are
// back. Meanwhile the connection keeps reading (up to max_line_bytes held), so that a line asking
// for an abort (the port's is_abort_line: SCPI *RST) stops the running command at its next step;
// it then runs in order like any other line. A batch is cut before such a line, so that it aborts
// even the command sent just before it in the same write.
// Hooks, in order, for each read: while the group is paused the bytes are held (and no more read)
// until resume(); each received line and each answer line is logged; the answers of one read wait
// the port's delay (no further input is read meanwhile, so answers keep their order), are swallowed
// under silence, and are preceded by armed garbage. All members run on the io_context's one thread.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "drivers/server/endpoint.hpp"
#include "drivers/server/port.hpp"

namespace spiceloop::server {

class ConnectionManager;

class ConnectionBase {
 public:
  using Clock = std::chrono::steady_clock;
  virtual ~ConnectionBase() = default;
  virtual void start() = 0;
  // Closes the stream; pending handlers complete with operation_aborted.
  virtual void stop() noexcept = 0;
  virtual void resume() = 0;
  // The client's IP address ("" for a pty), for the per-peer limit.
  virtual const std::string& peer_address() const = 0;
  // Since when the connection has been idle; nullopt while busy (a command of it running or
  // waiting, answers unsent or delayed, the client gone and owed answers).
  virtual std::optional<Clock::time_point> idle_since() const = 0;
  // Logs why the connection is about to be closed (the traffic log's "close" follows).
  virtual void note(std::string_view event) = 0;
};

template <class Stream>
class BasicConnection : public ConnectionBase, public std::enable_shared_from_this<BasicConnection<Stream>> {
 public:
  BasicConnection(Stream stream, std::shared_ptr<PortContext> port, ConnectionManager& manager,
                  std::string peer_address = {});
  BasicConnection(const BasicConnection&) = delete;
  BasicConnection& operator=(const BasicConnection&) = delete;
  ~BasicConnection() override;

  void start() override;
  void stop() noexcept override;
  void resume() override;
  const std::string& peer_address() const override { return peer_address_; }
  std::optional<Clock::time_point> idle_since() const override;
  void note(std::string_view event) override;
  std::uint64_t id() const { return id_; }

 private:
  void read_if_room();
  void on_read(const boost::system::error_code& ec, std::size_t bytes);
  void run_held();
  void next();
  void look_for_abort();
  std::size_t batch_bytes() const;
  void deliver(std::string answers);
  void send(std::string answers);
  void write_if_idle();
  void on_write(const boost::system::error_code& ec);
  std::size_t unsent_bytes() const { return writing_.size() + pending_.size() + delayed_.size(); }
  void account() noexcept;
  void fail(const boost::system::error_code& ec);
  void log_input(std::string_view bytes);
  void log_lines(Direction direction, std::string_view bytes);
  // Idle timeout and stalled output (TCP only): one timer, armed for the earliest deadline.
  static constexpr bool watched = std::is_same_v<Stream, boost::asio::ip::tcp::socket>;
  void watch_until(Clock::time_point deadline);
  void on_watchdog();

  Stream stream_;
  std::shared_ptr<PortContext> port_;
  std::unique_ptr<Endpoint> endpoint_;
  ConnectionManager& manager_;
  boost::asio::steady_timer delay_timer_;
  boost::asio::steady_timer watchdog_;
  Clock::time_point watchdog_at_ = Clock::time_point::max();
  std::uint64_t id_;
  std::string peer_address_;
  std::vector<char> read_buffer_;
  std::string inbox_;           // read, not yet run (a command runs, or the group is paused)
  std::size_t unscanned_ = 0;   // where in inbox_ the line not yet checked for an abort starts
  std::string log_partial_;     // the unfinished received line (cut), for the traffic log
  std::size_t log_partial_bytes_ = 0;
  std::string writing_;         // the bytes of the write in flight
  std::string pending_;         // answers produced while a write was in flight
  std::string delayed_;         // answers waiting out the port's delay
  std::size_t accounted_ = 0;   // this connection's share of port_->unsent_bytes
  Clock::time_point last_activity_;    // last bytes received, last answers back, last write done
  Clock::time_point output_progress_;  // since when the client has taken nothing while over the bound
  bool stalled_ = false;               // over max_pending_output_bytes, not reading
  bool reading_ = false;
  bool running_ = false;  // a batch is at the port's worker
  std::atomic<bool> abort_batch_{false};  // that batch should stop at its next step (port_work.hpp)
  bool delaying_ = false;
  bool peer_done_ = false;  // the client shut down its side; answer what is left, then close
  bool stopped_ = false;
};

using Connection = BasicConnection<boost::asio::ip::tcp::socket>;
using PtyConnection = BasicConnection<boost::asio::posix::stream_descriptor>;

}  // namespace spiceloop::server
