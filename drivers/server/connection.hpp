#pragma once
// One client socket of an instrument port: its own framing (a scpi::Session) and its own output,
// over the instrument's tree and Status, which every connection of the port shares under one mutex.
// At most one read and one write are outstanding; reading pauses while the unsent answers exceed
// max_pending_output_bytes and resumes as they drain. Bad input never closes the connection; only
// the peer closing, a socket error or stop() does. All members run on the io_context's one thread.
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "drivers/scpi/session.hpp"
#include "drivers/server/options.hpp"

namespace spiceloop::server {

class ConnectionManager;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::ip::tcp::socket socket, const scpi::CommandTree& tree, scpi::Status& status,
             std::shared_ptr<std::mutex> instrument_mutex, const ConnectionLimits& limits,
             ConnectionManager& manager);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void start();
  // Closes the socket; pending handlers complete with operation_aborted.
  void stop() noexcept;

 private:
  void read_if_room();
  void on_read(const boost::system::error_code& ec, std::size_t bytes);
  void write_if_idle();
  void on_write(const boost::system::error_code& ec);
  std::size_t unsent_bytes() const { return writing_.size() + pending_.size(); }
  void fail(const boost::system::error_code& ec);

  boost::asio::ip::tcp::socket socket_;
  scpi::Session session_;
  std::shared_ptr<std::mutex> instrument_mutex_;
  ConnectionLimits limits_;
  ConnectionManager& manager_;
  std::vector<char> read_buffer_;
  std::string writing_;  // the bytes of the write in flight
  std::string pending_;  // answers produced while a write was in flight
  bool reading_ = false;
  bool peer_done_ = false;  // the client shut down its side; answer what is left, then close
  bool stopped_ = false;
};

}  // namespace spiceloop::server
