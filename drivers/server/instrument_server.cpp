#include "drivers/server/instrument_server.hpp"

#include <utility>

namespace spiceloop::server {

InstrumentServer::InstrumentServer(const scpi::CommandTree& tree, scpi::Status& status, ServerOptions options,
                                   std::shared_ptr<std::mutex> mutex)
    : group_(options.host, options.port, options.limits) {
  group_.add(tree, status, std::move(mutex));
  group_.start();
}

}  // namespace spiceloop::server
