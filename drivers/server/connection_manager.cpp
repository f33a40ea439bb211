#include "drivers/server/connection_manager.hpp"

#include <vector>

namespace spiceloop::server {

void ConnectionManager::start(std::shared_ptr<ConnectionBase> connection) {
  connections_.insert(connection);
  count_ = connections_.size();
  connection->start();
}

void ConnectionManager::stop(const std::shared_ptr<ConnectionBase>& connection) noexcept {
  if (connections_.erase(connection) == 0) return;
  count_ = connections_.size();
  connection->stop();
}

void ConnectionManager::stop_all() noexcept {
  auto connections = std::move(connections_);
  connections_.clear();
  count_ = 0;
  for (const auto& c : connections) c->stop();
}

std::size_t ConnectionManager::count_from(const std::string& peer_address) const {
  std::size_t n = 0;
  for (const auto& c : connections_) n += c->peer_address() == peer_address;
  return n;
}

std::shared_ptr<ConnectionBase> ConnectionManager::longest_idle(std::chrono::steady_clock::duration at_least,
                                                                const std::string* peer_address) const {
  std::shared_ptr<ConnectionBase> best;
  std::chrono::steady_clock::time_point best_since = std::chrono::steady_clock::now() - at_least;
  for (const auto& c : connections_) {
    if (peer_address && c->peer_address() != *peer_address) continue;
    const auto since = c->idle_since();
    if (since && *since <= best_since) {
      best_since = *since;
      best = c;
    }
  }
  return best;
}

void ConnectionManager::resume_all() {
  // A resumed connection may finish and leave the set while we walk it.
  const std::vector<std::shared_ptr<ConnectionBase>> connections(connections_.begin(), connections_.end());
  for (const auto& c : connections) c->resume();
}

}  // namespace spiceloop::server
