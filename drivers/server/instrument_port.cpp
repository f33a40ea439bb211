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
  auto refusals = std::move(refusals_);
  refusals_.clear();
  for (const auto& r : refusals) r->stop();
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
  boost::system::error_code peer_ec;
  const auto peer = socket.remote_endpoint(peer_ec);
  if (peer_ec) {
    boost::system::error_code ignored;  // the client left already
    socket.close(ignored);
  } else if (const std::string address = peer.address().to_string(); auto reason = admit(address)) {
    refuse(std::move(socket), *reason);
  } else {
    manager_.start(std::make_shared<Connection>(std::move(socket), context_, manager_, address));
  }
  accept();
}

std::optional<std::string> InstrumentPort::admit(const std::string& peer_address) {
  const ConnectionLimits& limits = context_->limits;
  const std::string port = "port \"" + context_->name + "\"";
  if (const std::size_t n = manager_.count_from(peer_address);
      n >= limits.max_connections_per_peer && !reclaim(&peer_address))
    return std::to_string(n) + " connections from " + peer_address + " are open on " + port + " (at most " +
           std::to_string(limits.max_connections_per_peer) + " per client address); close one and try again";
  if (const std::size_t n = manager_.count(); n >= limits.max_connections && !reclaim(nullptr))
    return std::to_string(n) + " connections are open on " + port + " (at most " +
           std::to_string(limits.max_connections) + "); close one and try again";
  return std::nullopt;
}

bool InstrumentPort::reclaim(const std::string* peer_address) {
  const auto after = context_->limits.reclaim_idle_after;
  if (after.count() <= 0) return false;
  const auto victim = manager_.longest_idle(after, peer_address);
  if (!victim) return false;
  victim->note("closed: idle, its place given to a new client");
  manager_.stop(victim);
  return true;
}

void InstrumentPort::refuse(tcp::tcp::socket socket, const std::string& reason) {
  std::string line;
  try {
    line = context_->refusal ? context_->refusal(reason) : plain_refusal(reason);
  } catch (...) {
    line = plain_refusal(reason);
  }
  context_->log(0, Direction::Event, "refused " + line.substr(0, line.find('\n')));
  const bool linger = refusals_.size() < Refusal::max_lingering;
  auto refusal = std::make_shared<Refusal>(std::move(socket), std::move(line), [this](Refusal* done) {
    for (auto it = refusals_.begin(); it != refusals_.end(); ++it)
      if (it->get() == done) return void(refusals_.erase(it));
  });
  refusals_.insert(refusal);
  refusal->start(linger);
}

}  // namespace spiceloop::server
