#pragma once
// One TCP port of a group: the acceptor and the connections it opened, each with its own Endpoint
// from the port's factory, all run under the port's mutex (commands run one at a time; hold the
// mutex too when touching the instrument's state from another thread). Serves SCPI instruments
// and any other line protocol (the control port). A new client over the port's connection limits
// (options.hpp) makes room by closing a long-idle connection, or reads one refusal line
// (PortContext::refusal, refusal.hpp) and is closed. Binds in the constructor (throws BindError);
// start(), stop(), resume() and drop() run on the io_context's thread, the only one running it.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>

#include "drivers/server/connection_manager.hpp"
#include "drivers/server/port.hpp"
#include "drivers/server/refusal.hpp"

namespace spiceloop::server {

// "server.bind: cannot listen on 127.0.0.1:5025: Address already in use"
class BindError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class InstrumentPort : public Port {
 public:
  InstrumentPort(boost::asio::io_context& io, const std::string& host, std::uint16_t port,
                 std::shared_ptr<PortContext> context);
  InstrumentPort(const InstrumentPort&) = delete;
  InstrumentPort& operator=(const InstrumentPort&) = delete;

  void start() override;
  void stop() noexcept override;
  void resume() override { manager_.resume_all(); }
  void drop() override { manager_.stop_all(); }
  std::uint16_t tcp_port() const override { return port_; }
  std::size_t connection_count() const override { return manager_.count(); }

 private:
  void accept();
  void on_accept(const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket);
  // Why a client from this address may not be served now (nullopt: it may, maybe after a reclaim).
  std::optional<std::string> admit(const std::string& peer_address);
  bool reclaim(const std::string* peer_address);
  void refuse(boost::asio::ip::tcp::socket socket, const std::string& reason);

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  ConnectionManager manager_;
  std::set<std::shared_ptr<Refusal>> refusals_;
  std::uint16_t port_ = 0;
  bool stopped_ = false;
};

}  // namespace spiceloop::server
