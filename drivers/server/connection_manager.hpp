#pragma once
// The open connections of one instrument port, so that stop() can close them all. Used only on the
// io_context's thread; count() is readable from any thread.
#include <atomic>
#include <cstddef>
#include <memory>
#include <set>

#include "drivers/server/connection.hpp"

namespace spiceloop::server {

class ConnectionManager {
 public:
  void start(std::shared_ptr<Connection> connection);
  void stop(const std::shared_ptr<Connection>& connection) noexcept;
  void stop_all() noexcept;
  std::size_t count() const { return count_.load(); }

 private:
  std::set<std::shared_ptr<Connection>> connections_;
  std::atomic<std::size_t> count_{0};
};

}  // namespace spiceloop::server
