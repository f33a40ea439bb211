#pragma once
// Several instruments, one port each, served by one io_context on one thread. Ports are numbered
// from base_port (base, base+1, ...), or all free ports when base_port is 0. add() binds at once
// (throws BindError) and the port accepts once start() has run; call add/start/stop from one
// thread, never from a handler. stop() closes every connection and joins the thread; the
// destructor stops and never throws. The trees and Statuses must outlive the group.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "drivers/server/instrument_port.hpp"
#include "drivers/server/options.hpp"

namespace spiceloop::server {

class ServerGroup {
 public:
  explicit ServerGroup(std::string host = "127.0.0.1", std::uint16_t base_port = 0, ConnectionLimits limits = {});
  ~ServerGroup();
  ServerGroup(const ServerGroup&) = delete;
  ServerGroup& operator=(const ServerGroup&) = delete;

  // Returns the index of the new instrument. `mutex` serialises its commands (a fresh one if null);
  // instruments sharing one emulated bench may share one mutex.
  std::size_t add(const scpi::CommandTree& tree, scpi::Status& status, std::shared_ptr<std::mutex> mutex = {});
  void start();
  void stop() noexcept;

  std::size_t size() const { return ports_.size(); }
  std::uint16_t port(std::size_t index) const { return ports_.at(index)->port(); }
  std::mutex& mutex(std::size_t index) { return ports_.at(index)->mutex(); }
  std::size_t connection_count(std::size_t index) const { return ports_.at(index)->connection_count(); }
  const std::string& host() const { return host_; }

 private:
  void run() noexcept;

  std::string host_;
  std::uint16_t base_port_;
  ConnectionLimits limits_;
  boost::asio::io_context io_{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::unique_ptr<InstrumentPort>> ports_;
  std::thread thread_;
  bool stopped_ = false;
};

}  // namespace spiceloop::server
