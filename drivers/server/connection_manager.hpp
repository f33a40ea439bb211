#pragma once
// The open connections of one port, so that stop() and the fault "drop" can close them all,
// resume() can wake them, and a new client can be checked against the port's connection limits
// (per peer address and in total) with an idle connection reclaimed to make room. Used only on the
// io_context's thread; count() is readable from any thread.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <set>
#include <string>

#include "drivers/server/connection.hpp"

namespace spiceloop::server {

class ConnectionManager {
 public:
  void start(std::shared_ptr<ConnectionBase> connection);
  void stop(const std::shared_ptr<ConnectionBase>& connection) noexcept;
  void stop_all() noexcept;
  void resume_all();
  std::size_t count() const { return count_.load(); }
  std::size_t count_from(const std::string& peer_address) const;
  // The connection idle the longest, if idle for at least `at_least`; among one peer's if given.
  std::shared_ptr<ConnectionBase> longest_idle(std::chrono::steady_clock::duration at_least,
                                               const std::string* peer_address = nullptr) const;

 private:
  std::set<std::shared_ptr<ConnectionBase>> connections_;
  std::atomic<std::size_t> count_{0};
};

}  // namespace spiceloop::server
