#pragma once
// The front panel as a port of a ServerGroup: HTTP and WebSocket (Boost.Beast) on the group's io
// thread, beside the instruments. GET serves the page (web_files.hpp); a WebSocket on /ws receives
// the drawing once ("hello") and then frames of values and chart points at rate_hz at most, built
// once per tick for every page and only while a page is open.
//
// Bounds, so that no page can slow the instruments or grow memory: a page holds at most one frame
// in flight and one waiting (a newer frame replaces the waiting one: slow pages see fewer frames,
// never a backlog) and four replies; a page that has taken no frame for stalled_timeout is closed;
// a message from a page over max_message_bytes closes it (1009), a malformed frame too (Beast's
// protocol checks); an HTTP request header over max_request_bytes, a request with a body or an
// idle HTTP connection is closed; at most max_connections connections at once, the rest closed at
// once. Host must be an IP literal or "localhost" and Origin, when sent, that same host (no DNS
// rebinding, no other site's page reading the bench).
//
// Actions: a page's {"cmd":...,"token":...,"id":n} reaches Feed::act only when its token matches
// (token.hpp, constant time); otherwise {"type":"reply","id":n,"ok":false,"error":"panel.unauthorized"}.
// Nothing a page sends is written anywhere else: no file, no deck, no log.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "drivers/panel/feed.hpp"
#include "drivers/server/port.hpp"
#include "drivers/server/server_group.hpp"

namespace spiceloop::panel {

struct PanelOptions {
  std::string token;  // "" : no page may act
  double rate_hz = 10.0;
  std::size_t max_message_bytes = 4096;
  std::size_t max_request_bytes = 8192;
  std::chrono::milliseconds stalled_timeout{5000};
  std::chrono::milliseconds http_timeout{15000};
  std::size_t max_connections = 128;
};

// One frame as sent to pages at one chart position; shared by every page at that position.
struct Frame {
  std::string text;
  std::uint64_t generation = 0, next = 0;  // the charts it brings a page up to
};

class Session {
 public:
  virtual ~Session() = default;
  virtual void close() noexcept = 0;
};
class PageSession;

class PanelPort : public server::Port {
 public:
  PanelPort(boost::asio::io_context& io, std::shared_ptr<server::PortContext> context, const std::string& host,
            std::uint16_t port, Feed& feed, PanelOptions options);
  ~PanelPort() override;

  void start() override;
  void stop() noexcept override;
  void resume() override {}
  void drop() override { close_all(); }
  std::uint16_t tcp_port() const override { return port_; }
  std::size_t connection_count() const override { return sessions_.size(); }

  // For the sessions (io thread).
  const PanelOptions& options() const { return options_; }
  Feed& feed() { return feed_; }
  void add(const std::shared_ptr<Session>& s) { sessions_[s.get()] = s; }
  void add_page(const std::shared_ptr<PageSession>& p);
  void forget(Session* s) { sessions_.erase(s), pages_.erase(s); }
  const std::string& hello();

 private:
  void accept();
  void tick();
  void close_all() noexcept;
  std::shared_ptr<const Frame> frame_for(std::uint64_t generation, std::uint64_t next);

  Feed& feed_;
  PanelOptions options_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer timer_;
  std::uint16_t port_ = 0;
  bool stopped_ = false;
  std::map<Session*, std::weak_ptr<Session>> sessions_;
  std::map<Session*, std::weak_ptr<PageSession>> pages_;
  std::optional<std::string> hello_;
  std::string values_;  // this tick's values, as JSON text
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::shared_ptr<const Frame>> frames_;  // this tick's
};

// Adds the panel to a group as the port "panel" on 127.0.0.1 (port: unset = the group's numbering,
// 0 = a free one). The feed must outlive the group. Returns the port's index.
std::size_t add_panel(server::ServerGroup& group, Feed& feed, PanelOptions options,
                      std::optional<std::uint16_t> port = std::nullopt);

// JSON text for a page: bytes that are not UTF-8 (a client's garbage in the traffic log) become U+FFFD.
std::string page_text(const nlohmann::json& j);

}  // namespace spiceloop::panel
