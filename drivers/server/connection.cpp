#include "drivers/server/connection.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/write.hpp>
#include <string_view>
#include <utility>

#include "drivers/server/connection_manager.hpp"

namespace spiceloop::server {

namespace {
// A buffer that once held a large burst gives its memory back when it drains.
constexpr std::size_t keep_capacity_bytes = 64 * 1024;

void release_if_large(std::string& s) {
  if (s.capacity() > keep_capacity_bytes) std::string().swap(s);
}
}  // namespace

Connection::Connection(boost::asio::ip::tcp::socket socket, const scpi::CommandTree& tree,
                       scpi::Status& status, std::shared_ptr<std::mutex> instrument_mutex,
                       const ConnectionLimits& limits, ConnectionManager& manager)
    : socket_(std::move(socket)),
      session_(tree, status, limits.session),
      instrument_mutex_(std::move(instrument_mutex)),
      limits_(limits),
      manager_(manager),
      read_buffer_(limits.read_chunk_bytes > 0 ? limits.read_chunk_bytes : 4096) {}

void Connection::start() {
  boost::system::error_code ignored;
  socket_.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
  read_if_room();
}

void Connection::stop() noexcept {
  stopped_ = true;
  boost::system::error_code ignored;
  socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

void Connection::fail(const boost::system::error_code& ec) {
  // operation_aborted: stop() already ran, and the manager may be gone.
  if (ec == boost::asio::error::operation_aborted || stopped_) return;
  manager_.stop(shared_from_this());
}

void Connection::read_if_room() {
  if (reading_ || peer_done_ || stopped_ || unsent_bytes() > limits_.max_pending_output_bytes) return;
  reading_ = true;
  socket_.async_read_some(boost::asio::buffer(read_buffer_),
                          [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                            self->on_read(ec, n);
                          });
}

void Connection::on_read(const boost::system::error_code& ec, std::size_t bytes) {
  reading_ = false;
  if (ec == boost::asio::error::eof && !stopped_) {
    peer_done_ = true;
    if (unsent_bytes() == 0) manager_.stop(shared_from_this());
    return;
  }
  if (ec) return fail(ec);
  std::string answers;
  {
    std::lock_guard lock(*instrument_mutex_);
    session_.feed(std::string_view(read_buffer_.data(), bytes));
    answers = session_.take_output();
  }
  if (!answers.empty()) {
    if (pending_.empty()) pending_.swap(answers);
    else pending_ += answers;
    write_if_idle();
  }
  read_if_room();
}

void Connection::write_if_idle() {
  if (!writing_.empty() || pending_.empty() || stopped_) return;
  writing_.swap(pending_);
  boost::asio::async_write(socket_, boost::asio::buffer(writing_),
                           [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                             self->on_write(ec);
                           });
}

void Connection::on_write(const boost::system::error_code& ec) {
  writing_.clear();
  release_if_large(writing_);
  if (ec) return fail(ec);
  write_if_idle();
  if (peer_done_ && unsent_bytes() == 0) {
    if (!stopped_) manager_.stop(shared_from_this());
    return;
  }
  read_if_room();
}

}  // namespace spiceloop::server
