#include "drivers/server/server_group.hpp"

#include <boost/asio/post.hpp>
#include <utility>

namespace spiceloop::server {

ServerGroup::ServerGroup(std::string host, std::uint16_t base_port, ConnectionLimits limits)
    : host_(std::move(host)), base_port_(base_port), limits_(limits), work_(io_.get_executor()) {}

ServerGroup::~ServerGroup() { stop(); }

std::size_t ServerGroup::add(const scpi::CommandTree& tree, scpi::Status& status, std::shared_ptr<std::mutex> mutex) {
  if (stopped_) throw std::logic_error("server.add: the group is stopped");
  std::uint16_t port = 0;
  if (base_port_ != 0) {
    const unsigned wanted = base_port_ + static_cast<unsigned>(ports_.size());
    if (wanted > 65535)
      throw BindError("server.bind: base port " + std::to_string(base_port_) + " leaves no port for instrument " +
                      std::to_string(ports_.size()) + "; choose a lower base port");
    port = static_cast<std::uint16_t>(wanted);
  }
  ports_.push_back(std::make_unique<InstrumentPort>(io_, host_, port, tree, status, std::move(mutex), limits_));
  InstrumentPort* added = ports_.back().get();
  boost::asio::post(io_, [added] { added->start(); });
  return ports_.size() - 1;
}

void ServerGroup::start() {
  if (stopped_ || thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void ServerGroup::run() noexcept {
  // Handlers do not throw; this keeps the thread serving even if one ever did (bad_alloc).
  for (;;) {
    try {
      io_.run();
      return;
    } catch (...) {
    }
  }
}

void ServerGroup::stop() noexcept {
  if (stopped_) return;
  stopped_ = true;
  try {
    std::vector<InstrumentPort*> ports;
    for (auto& p : ports_) ports.push_back(p.get());
    boost::asio::post(io_, [ports] {
      for (InstrumentPort* p : ports) p->stop();
    });
  } catch (...) {
  }
  work_.reset();
  if (thread_.joinable()) {
    if (thread_.get_id() == std::this_thread::get_id()) {
      thread_.detach();  // stop() from a handler: the thread ends by itself once the ports close
    } else {
      thread_.join();
    }
  } else {
    for (auto& p : ports_) p->stop();
  }
}

}  // namespace spiceloop::server
