#include "drivers/server/connection.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <algorithm>
#include <cstdio>
#include <string_view>
#include <type_traits>
#include <utility>

#include "drivers/server/connection_manager.hpp"
#include "drivers/server/port_work.hpp"

namespace spiceloop::server {

namespace {
// A buffer that once held a large burst gives its memory back when it drains.
constexpr std::size_t keep_capacity_bytes = 64 * 1024;

void release_if_large(std::string& s) {
  if (s.capacity() > keep_capacity_bytes) std::string().swap(s);
}

std::string seconds_text(std::chrono::steady_clock::duration d) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", std::chrono::duration<double>(d).count());
  return text;
}

template <class Stream>
std::string describe_peer(Stream& stream) {
  if constexpr (std::is_same_v<Stream, boost::asio::ip::tcp::socket>) {
    boost::system::error_code ec;
    const auto peer = stream.remote_endpoint(ec);
    if (!ec) return "open " + peer.address().to_string() + ":" + std::to_string(peer.port());
  }
  return "open";
}
}  // namespace

template <class Stream>
BasicConnection<Stream>::BasicConnection(Stream stream, std::shared_ptr<PortContext> port, ConnectionManager& manager,
                                         std::string peer_address)
    : stream_(std::move(stream)),
      port_(std::move(port)),
      endpoint_(port_->make_endpoint()),
      manager_(manager),
      delay_timer_(stream_.get_executor()),
      watchdog_(stream_.get_executor()),
      id_(port_->group->next_connection_id.fetch_add(1)),
      peer_address_(std::move(peer_address)),
      read_buffer_(port_->limits.read_chunk_bytes > 0 ? port_->limits.read_chunk_bytes : 4096),
      last_activity_(Clock::now()),
      output_progress_(last_activity_) {}

template <class Stream>
BasicConnection<Stream>::~BasicConnection() {
  writing_.clear();
  pending_.clear();
  delayed_.clear();
  account();
}

template <class Stream>
void BasicConnection<Stream>::start() {
  if constexpr (watched) {
    boost::system::error_code ignored;
    stream_.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
    if (port_->limits.idle_timeout.count() > 0) watch_until(last_activity_ + port_->limits.idle_timeout);
  }
  port_->log(id_, Direction::Event, describe_peer(stream_));
  read_if_room();
}

template <class Stream>
std::optional<ConnectionBase::Clock::time_point> BasicConnection<Stream>::idle_since() const {
  // A running command (a learning clock of 30 s) makes the connection busy, however quiet it is.
  if (stopped_ || running_ || delaying_ || peer_done_ || !inbox_.empty() || unsent_bytes() > 0) return std::nullopt;
  return last_activity_;
}

template <class Stream>
void BasicConnection<Stream>::note(std::string_view event) {
  port_->log(id_, Direction::Event, event);
}

template <class Stream>
void BasicConnection<Stream>::account() noexcept {
  // The answers this connection holds, in the port's total (what a client that never reads costs).
  const std::size_t now = unsent_bytes();
  if (now >= accounted_) port_->unsent_bytes.fetch_add(now - accounted_);
  else port_->unsent_bytes.fetch_sub(accounted_ - now);
  accounted_ = now;
}

template <class Stream>
void BasicConnection<Stream>::watch_until(Clock::time_point deadline) {
  if (stopped_ || deadline >= watchdog_at_) return;
  watchdog_at_ = deadline;
  watchdog_.expires_at(deadline);  // a wait already pending completes with operation_aborted
  watchdog_.async_wait([self = this->shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->on_watchdog();
  });
}

template <class Stream>
void BasicConnection<Stream>::on_watchdog() {
  watchdog_at_ = Clock::time_point::max();
  if (stopped_) return;
  const ConnectionLimits& limits = port_->limits;
  const Clock::time_point now = Clock::now();
  if (stalled_ && limits.stalled_output_timeout.count() > 0) {
    if (now - output_progress_ >= limits.stalled_output_timeout) {
      note("dropped: " + std::to_string(unsent_bytes()) + " bytes of answers not read for " +
           seconds_text(now - output_progress_) + " s");
      return manager_.stop(this->shared_from_this());
    }
    watch_until(output_progress_ + limits.stalled_output_timeout);
  }
  if (limits.idle_timeout.count() > 0) {
    const auto idle = idle_since();
    if (idle && now - *idle >= limits.idle_timeout) {
      note("closed: idle for " + seconds_text(now - *idle) + " s");
      return manager_.stop(this->shared_from_this());
    }
    // Busy now: look again one whole timeout later (an idle stretch starts after the work ends).
    watch_until((idle ? *idle : now) + limits.idle_timeout);
  }
}

template <class Stream>
void BasicConnection<Stream>::stop() noexcept {
  if (stopped_) return;
  stopped_ = true;
  boost::system::error_code ignored;
  delay_timer_.cancel(ignored);
  watchdog_.cancel(ignored);
  // What it still owed is never sent: give the memory back now, not when the last handler runs.
  std::string().swap(pending_);
  std::string().swap(delayed_);
  std::string().swap(inbox_);
  account();
  if constexpr (std::is_same_v<Stream, boost::asio::ip::tcp::socket>)
    stream_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.close(ignored);
  try {
    port_->log(id_, Direction::Event, "close");
  } catch (...) {
  }
}

template <class Stream>
void BasicConnection<Stream>::resume() {
  next();
}

// Whenever something finished: run what waits, close once the peer is done and nothing is owed,
// or read on.
template <class Stream>
void BasicConnection<Stream>::next() {
  if (stopped_) return;
  run_held();
  if (peer_done_ && !running_ && !delaying_ && inbox_.empty() && unsent_bytes() == 0) {
    manager_.stop(this->shared_from_this());
    return;
  }
  read_if_room();
}

template <class Stream>
void BasicConnection<Stream>::fail(const boost::system::error_code& ec) {
  // operation_aborted: stop() already ran, and the manager may be gone.
  if (ec == boost::asio::error::operation_aborted || stopped_) return;
  manager_.stop(this->shared_from_this());
}

template <class Stream>
void BasicConnection<Stream>::read_if_room() {
  if (stopped_) return;
  stalled_ = unsent_bytes() > port_->limits.max_pending_output_bytes;
  if (stalled_) {
    // Back-pressure: read no more; a client that takes nothing for the whole timeout is dropped.
    if constexpr (watched) {
      if (port_->limits.stalled_output_timeout.count() > 0)
        watch_until(output_progress_ + port_->limits.stalled_output_timeout);
    }
    return;
  }
  output_progress_ = Clock::now();
  if (reading_ || delaying_ || peer_done_) return;
  // Input held while paused stays the only input; while a command runs, read on for an abort line.
  if (!running_ && !inbox_.empty()) return;
  if (inbox_.size() >= port_->limits.session.max_line_bytes) return;
  reading_ = true;
  stream_.async_read_some(boost::asio::buffer(read_buffer_),
                          [self = this->shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                            self->on_read(ec, n);
                          });
}

template <class Stream>
void BasicConnection<Stream>::on_read(const boost::system::error_code& ec, std::size_t bytes) {
  reading_ = false;
  if (ec == boost::asio::error::eof && !stopped_) {
    peer_done_ = true;
    return next();
  }
  if (ec) return fail(ec);
  last_activity_ = Clock::now();
  inbox_.append(read_buffer_.data(), bytes);
  look_for_abort();
  next();
}

// Lines completed by this read that ask for an abort stop the command the port runs now (or this
// connection's batch waiting for the worker).
template <class Stream>
void BasicConnection<Stream>::look_for_abort() {
  for (;;) {
    const std::size_t nl = inbox_.find('\n', unscanned_);
    if (nl == std::string::npos) return;
    const std::string_view line = std::string_view(inbox_).substr(unscanned_, nl - unscanned_);
    if ((running_ || port_->busy.load()) && port_->is_abort_line && port_->is_abort_line(line)) {
      if (running_) abort_batch_ = true;       // ours, even if it has not started yet
      if (port_->busy.load()) port_->abort_requested = true;  // whatever the port runs now
    }
    unscanned_ = nl + 1;
  }
}

// The inbox up to the first complete line after the first that asks for an abort, or all of it.
template <class Stream>
std::size_t BasicConnection<Stream>::batch_bytes() const {
  if (!port_->is_abort_line) return inbox_.size();
  std::size_t start = inbox_.find('\n');
  while (start != std::string::npos && start + 1 < inbox_.size()) {
    ++start;
    const std::size_t nl = inbox_.find('\n', start);
    if (nl == std::string::npos) break;
    if (port_->is_abort_line(std::string_view(inbox_).substr(start, nl - start))) return start;
    start = nl;
  }
  return inbox_.size();
}

template <class Stream>
void BasicConnection<Stream>::run_held() {
  if (stopped_ || running_ || delaying_ || inbox_.empty()) return;
  // Back-pressure: no more answers while the client has not taken those it owes (read_if_room).
  if (unsent_bytes() > port_->limits.max_pending_output_bytes) return;
  // Paused: keep the bytes and read no more; the kernel buffers whatever else the client sends.
  if (port_->pausable && port_->group->paused.load()) return;
  // At most one read's worth at a time, as before there was an inbox (the Session's output limit
  // is per feed).
  const std::size_t abort_at = batch_bytes();
  const std::size_t cut = std::min(abort_at, read_buffer_.size());
  std::string batch = inbox_.substr(0, cut);
  inbox_.erase(0, cut);
  unscanned_ = unscanned_ > cut ? unscanned_ - cut : 0;
  if (inbox_.empty()) release_if_large(inbox_);
  log_input(batch);
  running_ = true;
  // Cut before an abort line: that line aborts this batch's command, whenever it starts.
  abort_batch_ = cut == abort_at && !inbox_.empty();
  boost::asio::post(*port_->worker, [self = this->shared_from_this(), batch = std::move(batch),
                                     io = stream_.get_executor()]() mutable {
    std::string answers = run_commands(*self->port_, *self->endpoint_, batch, self->abort_batch_);
    boost::asio::post(io, [self = std::move(self), answers = std::move(answers)]() mutable {
      self->running_ = false;
      self->last_activity_ = Clock::now();  // an idle stretch starts when the command ends
      self->deliver(std::move(answers));
    });
  });
}

template <class Stream>
void BasicConnection<Stream>::deliver(std::string answers) {
  if (stopped_) return;  // closed while its command ran: the answers are dropped here
  if (answers.empty()) return next();
  const FaultState faults = port_->faults.state();
  if (faults.silence) {
    port_->log(id_, Direction::Event, "silenced " + std::to_string(answers.size()) + " bytes");
    return next();
  }
  if (const auto wait = faults.latency + faults.delay; wait.count() > 0) {
    // No input is read while the answer waits, so later answers cannot overtake it.
    delaying_ = true;
    delayed_ = std::move(answers);
    account();
    delay_timer_.expires_after(wait);
    delay_timer_.async_wait([self = this->shared_from_this()](const boost::system::error_code& ec) {
      self->delaying_ = false;
      if (ec || self->stopped_) return;
      self->send(std::exchange(self->delayed_, {}));
      self->next();
    });
    return;
  }
  send(std::move(answers));
  next();
}

template <class Stream>
void BasicConnection<Stream>::send(std::string answers) {
  if (std::string garbage = port_->faults.take_garbage(); !garbage.empty()) {
    port_->log(id_, Direction::Event, "garbage " + std::to_string(garbage.size()) + " bytes");
    pending_ += garbage;
  }
  log_lines(Direction::Out, answers);
  if (pending_.empty()) pending_.swap(answers);
  else pending_ += answers;
  write_if_idle();
  account();
}

template <class Stream>
void BasicConnection<Stream>::write_if_idle() {
  if (!writing_.empty() || pending_.empty() || stopped_) return;
  writing_.swap(pending_);
  boost::asio::async_write(stream_, boost::asio::buffer(writing_),
                           [self = this->shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                             self->on_write(ec);
                           });
}

template <class Stream>
void BasicConnection<Stream>::on_write(const boost::system::error_code& ec) {
  writing_.clear();
  release_if_large(writing_);
  account();
  if (ec) return fail(ec);
  last_activity_ = output_progress_ = Clock::now();
  write_if_idle();
  next();
}

template <class Stream>
void BasicConnection<Stream>::log_input(std::string_view bytes) {
  if (!port_->logged) return;
  // Lines may arrive split across reads: keep the start of an unfinished one (cut at the log's
  // text limit) and its full length.
  for (;;) {
    const std::size_t nl = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, nl);
    const std::size_t room = TrafficLog::max_text_bytes - std::min(log_partial_.size(), TrafficLog::max_text_bytes);
    log_partial_.append(piece.substr(0, room));
    log_partial_bytes_ += piece.size();
    if (nl == std::string_view::npos) return;
    std::size_t full = log_partial_bytes_;
    if (!log_partial_.empty() && log_partial_.back() == '\r' && full == log_partial_.size()) {
      log_partial_.pop_back();
      --full;
    }
    port_->log(id_, Direction::In, log_partial_, full);
    log_partial_.clear();
    log_partial_bytes_ = 0;
    bytes.remove_prefix(nl + 1);
  }
}

template <class Stream>
void BasicConnection<Stream>::log_lines(Direction direction, std::string_view bytes) {
  if (!port_->logged) return;
  while (!bytes.empty()) {
    const std::size_t nl = bytes.find('\n');
    port_->log(id_, direction, bytes.substr(0, std::min(nl, TrafficLog::max_text_bytes)),
               nl == std::string_view::npos ? bytes.size() : nl);
    if (nl == std::string_view::npos) return;
    bytes.remove_prefix(nl + 1);
  }
}

template class BasicConnection<boost::asio::ip::tcp::socket>;
template class BasicConnection<boost::asio::posix::stream_descriptor>;

}  // namespace spiceloop::server
