#include "drivers/server/refusal.hpp"

#include <boost/asio/write.hpp>
#include <utility>

namespace spiceloop::server {

std::string plain_refusal(const std::string& reason) { return "spiceloop: connection refused: " + reason + "\n"; }

Refusal::Refusal(boost::asio::ip::tcp::socket socket, std::string line, std::function<void(Refusal*)> done)
    : socket_(std::move(socket)), timer_(socket_.get_executor()), line_(std::move(line)), done_(std::move(done)) {}

void Refusal::start(bool linger) {
  // Bounds the whole refusal, the write included (a client that never reads).
  timer_.expires_after(linger_time);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->stop();
  });
  boost::asio::async_write(socket_, boost::asio::buffer(line_),
                           [self = shared_from_this(), linger](const boost::system::error_code& ec, std::size_t) {
                             if (ec || !linger) return self->stop();
                             boost::system::error_code ignored;
                             self->socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
                             self->drain();
                           });
}

void Refusal::drain() {
  socket_.async_read_some(boost::asio::buffer(sink_),
                          [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                            if (ec) return self->stop();
                            self->drain();
                          });
}

void Refusal::stop() noexcept {
  if (stopped_) return;
  stopped_ = true;
  boost::system::error_code ignored;
  timer_.cancel(ignored);
  socket_.close(ignored);
  if (done_) done_(this);
}

}  // namespace spiceloop::server
