#include "drivers/server/instrument_port.hpp"

#include <boost/asio/error.hpp>
#include <chrono>
#include <utility>

namespace spiceloop::server {

namespace tcp = boost::asio::ip;

InstrumentPort::InstrumentPort(boost::asio::io_context& io, const std::string& host, std::uint16_t port,
                               std::shared_ptr<PortContext> context)
    : Port(std::move(context)), io_(io), acceptor_(io), retry_timer_(io) {
  const std::string where = host + ":" + std::to_string(port);
  boost::system::error_code ec;
  const auto address = tcp::make_address(host, ec);
  if (ec) throw BindError("server.bind: '" + host + "' is not an IP address; give one such as 127.0.0.1");
  const tcp::tcp::endpoint endpoint(address, port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) throw BindError("server.bind: cannot listen on " + where + ": " + ec.message());
  port_ = acceptor_.local_endpoint(ec).port();
  if (ec) throw BindError("server.bind: no local port for " + where + ": " + ec.message());
}

void InstrumentPort::start() {
  if (!stopped_) accept();
}

void InstrumentPort::stop() noexcept {
  stopped_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  retry_timer_.cancel(ignored);
  manager_.stop_all();
}

void InstrumentPort::accept() {
  acceptor_.async_accept(io_, [this](const boost::system::error_code& ec, tcp::tcp::socket socket) {
    on_accept(ec, std::move(socket));
  });
}

void InstrumentPort::on_accept(const boost::system::error_code& ec, tcp::tcp::socket socket) {
  if (stopped_ || ec == boost::asio::error::operation_aborted) return;
  if (ec) {
    // Out of descriptors or memory: try again shortly rather than spin or give up the port.
    retry_timer_.expires_after(std::chrono::milliseconds(100));
    retry_timer_.async_wait([this](const boost::system::error_code& wait_ec) {
      if (!wait_ec && !stopped_) accept();
    });
    return;
  }
  if (manager_.count() >= context_->limits.max_connections) {
    boost::system::error_code ignored;
    socket.close(ignored);
  } else {
    manager_.start(std::make_shared<Connection>(std::move(socket), context_, manager_));
  }
  accept();
}

}  // namespace spiceloop::server
