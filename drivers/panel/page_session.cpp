#include "drivers/panel/page_session.hpp"

#include <boost/asio/buffer.hpp>

#include "drivers/panel/token.hpp"

namespace spiceloop::panel {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
using json = nlohmann::json;

PageSession::PageSession(boost::asio::ip::tcp::socket socket, PanelPort& port) : ws_(std::move(socket)), port_(port) {}

void PageSession::start(beast::http::request<beast::http::empty_body> upgrade) {
  beast::get_lowest_layer(ws_).expires_never();  // the websocket's own timeouts and the stall check apply
  // A small kernel buffer: a page that stops reading stalls its writes (and is dropped) soon,
  // with little memory held for it.
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().set_option(boost::asio::socket_base::send_buffer_size(64 * 1024), ignored);
  websocket::stream_base::timeout t{};
  t.handshake_timeout = std::chrono::seconds(2);  // also bounds the closing handshake with a silent peer
  t.idle_timeout = websocket::stream_base::none();
  t.keep_alive_pings = false;
  ws_.set_option(t);
  ws_.read_message_max(port_.options().max_message_bytes);
  ws_.text(true);
  auto req = std::make_shared<beast::http::request<beast::http::empty_body>>(std::move(upgrade));
  ws_.async_accept(*req, [self = shared_from_this(), req](beast::error_code ec) {
    if (ec) return self->close();
    self->accepted_ = true;
    self->replies_.push_back(std::make_shared<const std::string>(self->port_.hello()));
    self->write();
    self->read();
  });
}

void PageSession::read() {
  if (closed_ || reading_ || replies_.size() >= max_replies) return;
  reading_ = true;
  ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->reading_ = false;
    if (ec) return self->close();  // closed, too big (1009), malformed (1002): Beast has answered
    self->on_message();
    self->read();
  });
}

void PageSession::on_message() {
  const std::string text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  const json request = json::parse(text, nullptr, false);
  json id = nullptr;
  if (request.is_object() && request.contains("id") && (request["id"].is_number_integer() || request["id"].is_string()))
    id = request["id"];
  json answer;
  if (!request.is_object()) {
    answer = refusal("bad_json", "a page sends one JSON object per message");
  } else {
    const auto token = request.find("token");
    const bool authorised = token != request.end() && token->is_string() &&
                            token_matches(token->get_ref<const std::string&>(), port_.options().token);
    if (!authorised) {
      answer = refusal("unauthorized", "actions need the token `serve` printed (open the page with #token=...)");
    } else {
      json forwarded = request;
      forwarded.erase("token");
      forwarded.erase("id");
      try {
        answer = port_.feed().act(forwarded);
      } catch (const std::exception& e) {
        answer = refusal("action_failed", e.what());
      }
    }
  }
  answer["type"] = "reply";
  answer["id"] = id;
  reply(std::move(answer));
}

void PageSession::reply(json answer) {
  replies_.push_back(std::make_shared<const std::string>(page_text(answer)));
  write();
}

void PageSession::offer(std::shared_ptr<const Frame> frame) {
  waiting_ = std::move(frame);  // a frame still waiting is replaced: only the newest matters
  write();
}

std::chrono::steady_clock::duration PageSession::stalled_since(std::chrono::steady_clock::time_point now) const {
  return writing_ ? now - write_started_ : std::chrono::steady_clock::duration::zero();
}

void PageSession::write() {
  if (closed_ || writing_ || !accepted_) return;
  std::shared_ptr<const std::string> text;
  std::shared_ptr<const Frame> frame;
  if (!replies_.empty()) {
    text = std::move(replies_.front());
    replies_.pop_front();
  } else if (waiting_) {
    frame = std::move(waiting_);
    generation_ = frame->generation, next_ = frame->next;
  } else {
    return;
  }
  const std::string& bytes = frame ? frame->text : *text;
  writing_ = true;
  write_started_ = std::chrono::steady_clock::now();
  ws_.async_write(boost::asio::buffer(bytes), [self = shared_from_this(), text, frame](beast::error_code ec, std::size_t) {
    self->writing_ = false;
    if (ec) return self->close();
    self->write();
    self->read();  // in case replies had filled up
  });
}

void PageSession::close() noexcept {
  if (closed_) return;
  closed_ = true;
  beast::error_code ec;
  beast::get_lowest_layer(ws_).socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  beast::get_lowest_layer(ws_).socket().close(ec);
  waiting_.reset();
  replies_.clear();
  port_.forget(this);
}

}  // namespace spiceloop::panel
