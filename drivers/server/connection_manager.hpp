#pragma once
// The open connections of one port, so that stop() and the fault "drop" can close them all and
// resume() can wake them. Used only on the io_context's thread; count() is readable from any thread.
#include <atomic>
#include <cstddef>
#include <memory>
#include <set>

#include "drivers/server/connection.hpp"

namespace spiceloop::server {

class ConnectionManager {
 public:
  void start(std::shared_ptr<ConnectionBase> connection);
  void stop(const std::shared_ptr<ConnectionBase>& connection) noexcept;
  void stop_all() noexcept;
  void resume_all();
  std::size_t count() const { return count_.load(); }

 private:
  std::set<std::shared_ptr<ConnectionBase>> connections_;
  std::atomic<std::size_t> count_{0};
};

}  // namespace spiceloop::server
