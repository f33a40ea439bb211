#pragma once
// One instrument (a CommandTree and Status shared by all its connections) on one TCP port, served
// by its own io thread. Binds and starts in the constructor (throws BindError); port 0 picks a free
// port, port() tells which. stop() closes the connections and joins the thread; the destructor
// stops and never throws. Use ServerGroup to serve several instruments on one thread.
#include <cstdint>
#include <memory>
#include <mutex>

#include "drivers/scpi/command_tree.hpp"
#include "drivers/scpi/status.hpp"
#include "drivers/server/options.hpp"
#include "drivers/server/server_group.hpp"

namespace spiceloop::server {

class InstrumentServer {
 public:
  InstrumentServer(const scpi::CommandTree& tree, scpi::Status& status, ServerOptions options = {},
                   std::shared_ptr<std::mutex> mutex = {});

  std::uint16_t port() const { return group_.port(0); }
  const std::string& host() const { return group_.host(); }
  // Hold it while touching the instrument's state outside a command handler.
  std::mutex& mutex() { return group_.mutex(0); }
  std::size_t connection_count() const { return group_.connection_count(0); }
  void stop() noexcept { group_.stop(); }

 private:
  ServerGroup group_;
};

}  // namespace spiceloop::server
