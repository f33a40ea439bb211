#include "drivers/panel/panel_port.hpp"

#include <boost/asio/post.hpp>

#include "drivers/panel/http_session.hpp"
#include "drivers/panel/page_session.hpp"
#include "drivers/server/instrument_port.hpp"

namespace spiceloop::panel {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::string page_text(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

PanelPort::PanelPort(asio::io_context& io, std::shared_ptr<server::PortContext> context, const std::string& host,
                     std::uint16_t port, Feed& feed, PanelOptions options)
    : Port(std::move(context)), feed_(feed), options_(std::move(options)), acceptor_(io), timer_(io) {
  boost::system::error_code ec;
  const tcp::endpoint at(asio::ip::make_address(host, ec), port);
  if (!ec) acceptor_.open(at.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(at, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw server::BindError("server.bind: cannot listen on " + host + ":" + std::to_string(port) + " for the panel: " +
                            ec.message());
  port_ = acceptor_.local_endpoint().port();
}

PanelPort::~PanelPort() = default;

void PanelPort::start() {
  accept();
  tick();
}

void PanelPort::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (stopped_) return;
    if (!ec) {
      if (sessions_.size() >= options_.max_connections) {
        socket.close(ec);  // full: the page retries later
      } else {
        auto s = std::make_shared<HttpSession>(std::move(socket), *this);
        add(s);
        s->start();
      }
      accept();
    } else {
      // Out of descriptors and the like: try again shortly rather than spin.
      auto retry = std::make_shared<asio::steady_timer>(acceptor_.get_executor(), std::chrono::milliseconds(100));
      retry->async_wait([this, retry](boost::system::error_code) {
        if (!stopped_) accept();
      });
    }
  });
}

void PanelPort::add_page(const std::shared_ptr<PageSession>& p) {
  sessions_[p.get()] = p;
  pages_[p.get()] = p;
}

const std::string& PanelPort::hello() {
  if (!hello_) {
    nlohmann::json h = {{"type", "hello"}, {"graph", feed_.graph()}, {"actions", feed_.actions()},
                        {"rate_hz", options_.rate_hz}};
    hello_ = page_text(h);
  }
  return *hello_;
}

std::shared_ptr<const Frame> PanelPort::frame_for(std::uint64_t generation, std::uint64_t next) {
  auto& cached = frames_[{generation, next}];
  if (!cached) {
    nlohmann::json charts = feed_.charts().since(generation, next);
    auto f = std::make_shared<Frame>();
    f->generation = charts["generation"].get<std::uint64_t>();
    f->next = charts["next"].get<std::uint64_t>();
    f->text = "{\"type\":\"frame\",\"charts\":" + page_text(charts) + ",\"values\":" + values_ + "}";
    cached = std::move(f);
  }
  return cached;
}

void PanelPort::tick() {
  if (stopped_) return;
  const auto period = std::chrono::duration<double>(1.0 / (options_.rate_hz > 0 ? options_.rate_hz : 10.0));
  timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(period));
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) tick();
  });
  if (pages_.empty()) return;  // nobody watches: no work at all
  const auto now = std::chrono::steady_clock::now();
  std::vector<std::shared_ptr<PageSession>> ready, stalled;
  for (auto& [key, weak] : pages_) {
    auto p = weak.lock();
    if (!p) continue;
    if (p->stalled_since(now) > options_.stalled_timeout) stalled.push_back(std::move(p));
    else if (p->accepted()) ready.push_back(std::move(p));
  }
  for (auto& p : stalled) p->close();  // a page that takes no frames: dropped (close() forgets it)
  if (ready.empty()) return;
  try {
    values_ = page_text(feed_.values());
  } catch (const std::exception& e) {
    values_ = page_text(nlohmann::json{{"error", e.what()}});
  }
  frames_.clear();
  for (auto& p : ready) p->offer(frame_for(p->generation(), p->next()));
  frames_.clear();
}

void PanelPort::close_all() noexcept {
  auto sessions = sessions_;
  for (auto& [key, weak] : sessions)
    if (auto s = weak.lock()) s->close();
}

void PanelPort::stop() noexcept {
  if (stopped_) return;
  stopped_ = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
  timer_.cancel();
  close_all();
}

std::size_t add_panel(server::ServerGroup& group, Feed& feed, PanelOptions options, std::optional<std::uint16_t> port) {
  server::PortOptions po;
  po.host = "127.0.0.1";
  po.port = port;
  return group.add_port(
      "panel",
      [&feed, options](asio::io_context& io, std::shared_ptr<server::PortContext> c, const std::string& host,
                       std::uint16_t p) { return std::make_unique<PanelPort>(io, std::move(c), host, p, feed, options); },
      po);
}

}  // namespace spiceloop::panel
