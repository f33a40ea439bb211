#pragma once
// One HTTP connection to the panel: GET (and HEAD) of the page's files, keep-alive, and the
// upgrade of /ws to a PageSession. Requests are read with a header limit, no body, and a timeout;
// the checks of panel_port.hpp (Host, Origin) run before anything is served. io thread only.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>

#include "drivers/panel/panel_port.hpp"

namespace spiceloop::panel {

// Host is an IP literal or "localhost" (any port), so a page of another name that resolves to
// this machine (DNS rebinding) is refused.
bool local_host(std::string_view host);
// Origin absent, or "http://" + the Host header exactly.
bool same_origin(std::string_view origin, std::string_view host);

class HttpSession : public Session, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket socket, PanelPort& port);
  void start() { read(); }
  void close() noexcept override;

 private:
  void read();
  void on_read(boost::beast::error_code ec);
  template <class Response>
  void send(std::shared_ptr<Response> response);
  void error(boost::beast::http::status status, std::string_view why, bool keep_alive);

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::empty_body>> parser_;
  PanelPort& port_;
  bool closed_ = false;
};

}  // namespace spiceloop::panel
