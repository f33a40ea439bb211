#include "drivers/server/connection_manager.hpp"

namespace spiceloop::server {

void ConnectionManager::start(std::shared_ptr<Connection> connection) {
  connections_.insert(connection);
  count_ = connections_.size();
  connection->start();
}

void ConnectionManager::stop(const std::shared_ptr<Connection>& connection) noexcept {
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

}  // namespace spiceloop::server
