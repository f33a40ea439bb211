#pragma once
// A client over a port's connection limits is told why in one line before the close. Closing a
// socket whose client has sent bytes we never read makes the kernel send a reset, which can
// destroy the line before the client reads it; so the refusal writes the line, shuts down its
// sending side, reads and discards whatever the client sends until it closes or linger_time
// passes, and only then closes. Runs on the port's io thread; the port keeps a bounded number
// (max_lingering) and closes the rest at once after the write.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "drivers/server/options.hpp"

namespace spiceloop::server {

class Refusal : public std::enable_shared_from_this<Refusal> {
 public:
  static constexpr std::chrono::milliseconds linger_time{500};
  static constexpr std::size_t max_lingering = 32;

  // `done` runs once, on the io thread, after the socket closed.
  Refusal(boost::asio::ip::tcp::socket socket, std::string line, std::function<void(Refusal*)> done);
  void start(bool linger);
  void stop() noexcept;

 private:
  void drain();

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  std::string line_;
  std::array<char, 512> sink_{};
  std::function<void(Refusal*)> done_;
  bool stopped_ = false;
};

}  // namespace spiceloop::server
