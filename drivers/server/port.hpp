#pragma once
// What every port of a group shares with its connections (PortContext: name, protocol, mutex,
// limits, faults, hooks into the group) and the interface the group drives a port through (Port:
// a TCP acceptor, InstrumentPort, or a pseudo-terminal, PtyPort). Port members other than the
// accessors run on the group's io thread; commands run on the port's worker (port_work.hpp).
#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "drivers/scpi/status.hpp"
#include "drivers/server/endpoint.hpp"
#include "drivers/server/faults.hpp"
#include "drivers/server/options.hpp"
#include "drivers/server/traffic_log.hpp"

namespace spiceloop::server {

// Owned by the ServerGroup, outlives its ports and connections.
struct GroupState {
  TrafficLog traffic;
  std::atomic<bool> paused{false};
  std::atomic<bool> stopping{false};  // long commands stop at their next step (yield_port)
  std::atomic<std::uint64_t> next_connection_id{1};
};

struct PortContext {
  std::string name;
  EndpointFactory make_endpoint;
  std::shared_ptr<std::mutex> mutex;  // held while an Endpoint runs
  std::shared_ptr<std::atomic<int>> waiting;  // threads waiting for `mutex` (one count per mutex)
  boost::asio::thread_pool* worker = nullptr;  // one thread: the port's commands (owned by the group)
  std::atomic<bool> busy{false};             // a command of the port runs now
  std::atomic<bool> abort_requested{false};  // until that command ends (yield_port)
  std::function<bool(std::string_view)> is_abort_line;  // a line that aborts it (SCPI: *RST); may be empty
  ConnectionLimits limits;
  PortFaults faults;
  scpi::Status* status = nullptr;  // the instrument's error queue, for ServerGroup::inject_error
  bool pausable = true;
  bool logged = true;
  bool accepts_faults = true;
  RefusalFormat refusal = plain_refusal;
  GroupState* group = nullptr;
  // Answers produced and not yet taken by the clients, over every connection of the port.
  std::atomic<std::size_t> unsent_bytes{0};

  void log(std::uint64_t connection, Direction direction, std::string_view text, std::size_t full_bytes = 0) {
    if (logged) group->traffic.record(name, connection, direction, text, full_bytes);
  }
};

class Port {
 public:
  virtual ~Port() = default;
  virtual void start() = 0;
  virtual void stop() noexcept = 0;
  // After ServerGroup::resume: connections run the input they held while paused.
  virtual void resume() = 0;
  // The fault "drop": close every connection now (a pty flushes and starts afresh).
  virtual void drop() = 0;
  virtual std::uint16_t tcp_port() const { return 0; }
  virtual std::string pty_path() const { return {}; }
  virtual std::size_t connection_count() const = 0;
  PortContext& context() { return *context_; }
  const PortContext& context() const { return *context_; }

 protected:
  explicit Port(std::shared_ptr<PortContext> context) : context_(std::move(context)) {}
  std::shared_ptr<PortContext> context_;
};

}  // namespace spiceloop::server
