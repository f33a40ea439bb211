#pragma once
// One open page: a WebSocket that receives the hello, then frames, and sends actions. At most one
// write in flight; behind it one waiting frame (replaced by newer ones: coalesced) and at most
// max_replies replies (reading stops until they drain). Messages over the port's
// max_message_bytes, and malformed frames, close the socket (Beast answers 1009 / 1002). io thread.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <string>

#include "drivers/panel/panel_port.hpp"

namespace spiceloop::panel {

class PageSession : public Session, public std::enable_shared_from_this<PageSession> {
 public:
  static constexpr std::size_t max_replies = 4;

  PageSession(boost::asio::ip::tcp::socket socket, PanelPort& port);
  void start(boost::beast::http::request<boost::beast::http::empty_body> upgrade);
  void close() noexcept override;

  bool accepted() const { return accepted_ && !closed_; }
  // How long the write in flight has waited (zero when none): a page that does not read.
  std::chrono::steady_clock::duration stalled_since(std::chrono::steady_clock::time_point now) const;
  std::uint64_t generation() const { return generation_; }
  std::uint64_t next() const { return next_; }
  void offer(std::shared_ptr<const Frame> frame);

 private:
  void read();
  void on_message();
  void reply(nlohmann::json answer);
  void write();

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  PanelPort& port_;
  std::shared_ptr<const Frame> waiting_;
  std::deque<std::shared_ptr<const std::string>> replies_;
  std::chrono::steady_clock::time_point write_started_{};
  std::uint64_t generation_ = 0, next_ = 0;  // the charts the page has been sent
  bool accepted_ = false, writing_ = false, reading_ = false, closed_ = false;
};

}  // namespace spiceloop::panel
