#include "drivers/panel/http_session.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "drivers/panel/page_session.hpp"
#include "drivers/panel/web_files.hpp"

namespace spiceloop::panel {

namespace beast = boost::beast;
namespace http = beast::http;

bool local_host(std::string_view host) {
  std::string_view name = host;
  if (!name.empty() && name.front() == '[') {  // [::1]:8080
    const auto close = name.find(']');
    if (close == std::string_view::npos) return false;
    name = name.substr(1, close - 1);
  } else if (const auto colon = name.rfind(':'); colon != std::string_view::npos) {
    name = name.substr(0, colon);
  }
  if (name == "localhost") return true;
  boost::system::error_code ec;
  boost::asio::ip::make_address(std::string(name), ec);
  return !ec;
}

bool same_origin(std::string_view origin, std::string_view host) {
  if (origin.empty()) return true;
  return origin.size() == 7 + host.size() && origin.substr(0, 7) == "http://" && origin.substr(7) == host;
}

HttpSession::HttpSession(boost::asio::ip::tcp::socket socket, PanelPort& port) : stream_(std::move(socket)), port_(port) {}

void HttpSession::read() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(port_.options().max_request_bytes));
  stream_.expires_after(port_.options().http_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
}

void HttpSession::on_read(beast::error_code ec) {
  if (ec) {
    if (ec == http::error::header_limit) return error(http::status::request_header_fields_too_large, "header too large", false);
    if (ec == http::error::unexpected_body) return error(http::status::payload_too_large, "no request body is taken", false);
    // A parser error (not the peer leaving, not the timeout): a request we cannot read.
    const bool parse_error = ec.category() == http::make_error_code(http::error::bad_target).category() &&
                             ec != http::error::end_of_stream && ec != http::error::partial_message;
    if (parse_error) return error(http::status::bad_request, "not an HTTP request", false);
    return close();
  }
  const http::request<http::empty_body>& req = parser_->get();
  const std::string_view host(req[http::field::host].data(), req[http::field::host].size());
  const std::string_view origin(req[http::field::origin].data(), req[http::field::origin].size());
  if (!local_host(host) || !same_origin(origin, host))
    return error(http::status::forbidden, "the panel answers pages of its own address only", false);

  const std::string_view target(req.target().data(), req.target().size());
  if (beast::websocket::is_upgrade(req)) {
    if (target.substr(0, target.find('?')) != "/ws") return error(http::status::not_found, "no such socket", false);
    auto page = std::make_shared<PageSession>(stream_.release_socket(), port_);
    port_.forget(this);
    closed_ = true;
    port_.add_page(page);
    page->start(parser_->release());
    return;
  }
  if (req.method() != http::verb::get && req.method() != http::verb::head)
    return error(http::status::method_not_allowed, "only GET", req.keep_alive());
  const WebFile* file = find_web_file(target);
  if (!file) return error(http::status::not_found, "not found", req.keep_alive());

  auto res = std::make_shared<http::response<http::span_body<const char>>>(http::status::ok, req.version());
  res->set(http::field::content_type, std::string(file->content_type));
  res->set(http::field::cache_control, "no-store");
  res->set("X-Content-Type-Options", "nosniff");
  res->set("Referrer-Policy", "no-referrer");
  res->set("Content-Security-Policy", "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'");
  res->keep_alive(req.keep_alive());
  res->body() = {file->body.data(), file->body.size()};
  res->prepare_payload();
  if (req.method() == http::verb::head) res->body() = {};
  send(std::move(res));
}

template <class Response>
void HttpSession::send(std::shared_ptr<Response> response) {
  stream_.expires_after(port_.options().http_timeout);
  const bool keep = response->keep_alive();
  http::async_write(stream_, *response,
                    [self = shared_from_this(), response, keep](beast::error_code ec, std::size_t) {
                      if (ec || !keep) return self->close();
                      self->read();
                    });
}

void HttpSession::error(http::status status, std::string_view why, bool keep_alive) {
  auto res = std::make_shared<http::response<http::string_body>>(status, 11);
  res->set(http::field::content_type, "text/plain; charset=utf-8");
  res->keep_alive(keep_alive);
  res->body() = std::string(why) + "\n";
  res->prepare_payload();
  send(std::move(res));
}

void HttpSession::close() noexcept {
  if (closed_) return;
  closed_ = true;
  beast::error_code ec;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  stream_.socket().close(ec);
  port_.forget(this);
}

}  // namespace spiceloop::panel
