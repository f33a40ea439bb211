#pragma once
// One instrument on one TCP port: the acceptor and the connections it opened, all sharing the
// instrument's tree and Status under one mutex (commands run one at a time; hold the mutex too when
// touching the instrument's state from another thread). Binds in the constructor (throws BindError);
// start() and stop() run on the io_context's thread, which must be the only one running it.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "drivers/scpi/command_tree.hpp"
#include "drivers/scpi/status.hpp"
#include "drivers/server/connection_manager.hpp"
#include "drivers/server/options.hpp"

namespace spiceloop::server {

// "server.bind: cannot listen on 127.0.0.1:5025: Address already in use"
class BindError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class InstrumentPort {
 public:
  InstrumentPort(boost::asio::io_context& io, const std::string& host, std::uint16_t port,
                 const scpi::CommandTree& tree, scpi::Status& status, std::shared_ptr<std::mutex> mutex,
                 ConnectionLimits limits);
  InstrumentPort(const InstrumentPort&) = delete;
  InstrumentPort& operator=(const InstrumentPort&) = delete;

  void start();
  void stop() noexcept;
  std::uint16_t port() const { return port_; }
  std::mutex& mutex() { return *mutex_; }
  std::size_t connection_count() const { return manager_.count(); }

 private:
  void accept();
  void on_accept(const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  const scpi::CommandTree& tree_;
  scpi::Status& status_;
  std::shared_ptr<std::mutex> mutex_;
  ConnectionLimits limits_;
  ConnectionManager manager_;
  std::uint16_t port_ = 0;
  bool stopped_ = false;
};

}  // namespace spiceloop::server
