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

void ConnectionManager::resume_all() {
  // A resumed connection may finish and leave the set while we walk it.
  const std::vector<std::shared_ptr<ConnectionBase>> connections(connections_.begin(), connections_.end());
  for (const auto& c : connections) c->resume();
}

}  // namespace spiceloop::server
