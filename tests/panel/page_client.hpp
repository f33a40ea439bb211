// A page as the panel tests see it: a real WebSocket client (Boost.Beast) with a deadline on every
// step, so that no test can hang; and the lab with its panel, as `serve --panel` starts it.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "drivers/panel/panel_port.hpp"
#include "drivers/standins/lab/lab.hpp"
#include "emulator/bench/bench_config.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "tests/common/paths.hpp"
#include "tools/spiceloop/lab_panel.hpp"

namespace panel_test {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using json = nlohmann::json;
using namespace std::chrono_literals;

// The lab16_hil bench (source, scanner, digipots, network) on the ideal solver, with its panel.
struct PanelRig {
  explicit PanelRig(spiceloop::panel::PanelOptions options = {}, const std::string& bench = "lab16_hil.json")
      : lab(spiceloop::load_bench_file(spiceloop::test::bench_file(bench)), sim, lab_options()) {
    if (options.token.empty()) options.token = token;
    panel = std::make_unique<spiceloop::cli::LabPanel>(lab, options, 0);
    lab.start();
  }
  ~PanelRig() { lab.stop(); }
  static spiceloop::standins::LabOptions lab_options() {
    spiceloop::standins::LabOptions o;
    o.pty = false;
    return o;
  }
  std::uint16_t port_of(const std::string& name) { return lab.group().port(*lab.group().find(name)); }
  std::uint16_t panel_port() { return panel->port(); }

  std::string token = "0123456789abcdef0123456789abcdef";
  spiceloop::IdealSimulator sim;
  spiceloop::standins::Lab lab;
  std::unique_ptr<spiceloop::cli::LabPanel> panel;  // destroyed after lab.stop() in ~PanelRig
};

class Page {
 public:
  explicit Page(std::uint16_t port) : port_(port), ws_(io_) {}

  // The WebSocket handshake on /ws; false if refused (the HTTP status is in refused_status()).
  bool open(const std::string& host = "", const std::string& origin = "", std::chrono::milliseconds deadline = 5s) {
    const std::string h = host.empty() ? "127.0.0.1:" + std::to_string(port_) : host;
    bool done = false;
    beast::error_code result;
    beast::get_lowest_layer(ws_).async_connect(
        boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_),
        [&](beast::error_code ec) {
          if (ec) {
            result = ec, done = true;
            return;
          }
          ws_.set_option(websocket::stream_base::decorator([origin](websocket::request_type& req) {
            if (!origin.empty()) req.set(http::field::origin, origin);
          }));
          ws_.async_handshake(response_, h, "/ws", [&](beast::error_code ec2) { result = ec2, done = true; });
        });
    if (!run(done, deadline) || result) return false;
    ws_.read_message_max(64 << 20);
    return true;
  }
  unsigned refused_status() const { return response_.result_int(); }

  // The next message, parsed; nullopt on timeout, close or error.
  std::optional<json> next(std::chrono::milliseconds deadline = 3s) {
    bool done = false;
    beast::error_code result;
    buffer_.consume(buffer_.size());
    ws_.async_read(buffer_, [&](beast::error_code ec, std::size_t) { result = ec, done = true; });
    if (!run(done, deadline)) return std::nullopt;
    if (result) {
      last_error_ = result;
      return std::nullopt;
    }
    return json::parse(beast::buffers_to_string(buffer_.data()));
  }
  // The next message of that type, skipping others.
  std::optional<json> next_of(const std::string& type, std::chrono::milliseconds deadline = 3s) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
      auto m = next(std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()));
      if (!m) return std::nullopt;
      if ((*m)["type"] == type) return m;
    }
    return std::nullopt;
  }
  bool send(const std::string& text, std::chrono::milliseconds deadline = 3s) {
    bool done = false;
    beast::error_code result;
    ws_.async_write(boost::asio::buffer(text), [&](beast::error_code ec, std::size_t) { result = ec, done = true; });
    return run(done, deadline) && !result;
  }
  // Reads every message that comes for `d` without ever timing out the socket; returns how many
  // came. The page keeps reading in the background of later drain() calls; call no next() after.
  std::size_t drain(std::chrono::milliseconds d) {
    if (!draining_) {
      draining_ = true;
      read_loop();
    }
    const std::size_t before = drained_;
    io_.restart();
    io_.run_for(d);
    return drained_ - before;
  }
  beast::error_code last_error() const { return last_error_; }
  websocket::close_reason close_reason() const { return ws_.reason(); }

 private:
  bool run(bool& done, std::chrono::milliseconds deadline) {
    io_.restart();
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (!done && std::chrono::steady_clock::now() < until) io_.run_for(10ms);
    if (!done) {
      beast::error_code ec;
      beast::get_lowest_layer(ws_).socket().close(ec);  // abandon: the pending handler completes aborted
      io_.restart();
      io_.run_for(100ms);
    }
    return done;
  }

  void read_loop() {
    ws_.async_read(buffer_, [this](beast::error_code ec, std::size_t) {
      if (ec) return;
      ++drained_;
      buffer_.consume(buffer_.size());
      read_loop();
    });
  }

  bool draining_ = false;
  std::size_t drained_ = 0;
  std::uint16_t port_;
  boost::asio::io_context io_;
  websocket::stream<beast::tcp_stream> ws_;
  websocket::response_type response_;
  beast::flat_buffer buffer_;
  beast::error_code last_error_;
};

}  // namespace panel_test
