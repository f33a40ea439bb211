#pragma once
// Open pages on a panel, for `perf scpi --panels N`: N WebSocket clients (Boost.Beast) that read
// every frame on a thread of their own, and one client that completes the upgrade and then never
// reads (a stuck browser tab). frames() counts what the reading pages received.
#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace spiceloop::cli {

class PanelLoad {
 public:
  PanelLoad(std::uint16_t port, int pages);  // throws std::runtime_error when a page cannot open
  ~PanelLoad();
  std::uint64_t frames() const { return frames_.load(); }
  std::uint64_t bytes() const { return bytes_.load(); }
  int open_pages() const { return open_.load(); }

 private:
  struct Page;
  void read(const std::shared_ptr<Page>& p);
  boost::asio::io_context io_;
  std::vector<std::shared_ptr<Page>> pages_;
  boost::asio::ip::tcp::socket sleeper_;
  std::atomic<std::uint64_t> frames_{0}, bytes_{0};
  std::atomic<int> open_{0};
  std::thread thread_;
};

}  // namespace spiceloop::cli
