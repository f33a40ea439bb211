#include "tools/spiceloop/panel_load.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <stdexcept>
#include <string>

namespace spiceloop::cli {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = boost::asio::ip::tcp;

struct PanelLoad::Page {
  explicit Page(boost::asio::io_context& io) : ws(io) {}
  websocket::stream<tcp::socket> ws;
  beast::flat_buffer buffer;
};

PanelLoad::PanelLoad(std::uint16_t port, int pages) : sleeper_(io_) {
  const tcp::endpoint at(boost::asio::ip::make_address("127.0.0.1"), port);
  const std::string host = "127.0.0.1:" + std::to_string(port);
  for (int i = 0; i < pages; ++i) {
    auto p = std::make_shared<Page>(io_);
    p->ws.next_layer().connect(at);
    p->ws.handshake(host, "/ws");
    p->ws.read_message_max(64 << 20);
    pages_.push_back(p);
  }
  // The stuck tab: a small receive buffer, the upgrade, then nothing is ever read.
  sleeper_.open(at.protocol());
  sleeper_.set_option(boost::asio::socket_base::receive_buffer_size(4096));
  sleeper_.connect(at);
  boost::asio::write(sleeper_, boost::asio::buffer("GET /ws HTTP/1.1\r\nHost: " + host +
                                                   "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                                   "Sec-WebSocket-Version: 13\r\n\r\n"));
  for (auto& p : pages_) {
    ++open_;
    read(p);
  }
  thread_ = std::thread([this] { io_.run(); });
}

void PanelLoad::read(const std::shared_ptr<Page>& p) {
  p->ws.async_read(p->buffer, [this, p](beast::error_code ec, std::size_t n) {
    if (ec) {
      --open_;
      return;
    }
    ++frames_;
    bytes_ += n;
    p->buffer.consume(p->buffer.size());
    read(p);
  });
}

PanelLoad::~PanelLoad() {
  boost::asio::post(io_, [this] {
    beast::error_code ec;
    for (auto& p : pages_) p->ws.next_layer().close(ec);
    sleeper_.close(ec);
  });
  thread_.join();
}

}  // namespace spiceloop::cli
