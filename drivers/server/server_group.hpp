#pragma once
// Several ports served by one io_context on one thread: SCPI instruments (add), any other line
// protocol on TCP (add_protocol: the control port, a plain line protocol) or on a pseudo-terminal
// (add_pty). Every port has a name, unique in the group ("source", "digipots-line", "control"),
// used in the traffic log and by the control port. TCP ports are numbered from base_port (base,
// base+1, ... in the order added), or all free ports when base_port is 0, unless PortOptions gives
// one. add*() binds at once (throws BindError) and the port serves once start() has run; call
// add*/start/stop from one thread, never from a handler, and add every port before another thread
// looks ports up (find, faults, drop, inject_error). stop() closes every connection and joins the
// thread; the destructor stops and never throws. Trees, Statuses and whatever the factories capture
// must outlive the group.
//
// Hooks, callable from any thread (the control port calls them from its worker): faults(i)
// (delay, silence, garbage), drop(i), inject_error(i, code), pause()/resume(), traffic(), busy(i),
// abort(i), lock(mutex).
//
// Each port runs its commands on a worker thread of its own, never on the io thread (port_work.hpp):
// a long command on one port (a learning clock) delays no other port beyond one of its steps.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "drivers/scpi/command_tree.hpp"
#include "drivers/scpi/status.hpp"
#include "drivers/server/endpoint.hpp"
#include "drivers/server/instrument_port.hpp"
#include "drivers/server/options.hpp"
#include "drivers/server/port.hpp"

namespace spiceloop::server {

class ServerGroup {
 public:
  explicit ServerGroup(std::string host = "127.0.0.1", std::uint16_t base_port = 0, ConnectionLimits limits = {});
  ~ServerGroup();
  ServerGroup(const ServerGroup&) = delete;
  ServerGroup& operator=(const ServerGroup&) = delete;

  // Returns the index of the new port. `mutex` serialises its commands (a fresh one if null);
  // instruments sharing one emulated bench may share one mutex. Unnamed instruments are
  // "instrument<index>". A name already taken throws std::invalid_argument.
  std::size_t add(const scpi::CommandTree& tree, scpi::Status& status, std::shared_ptr<std::mutex> mutex = {});
  std::size_t add(std::string name, const scpi::CommandTree& tree, scpi::Status& status,
                  std::shared_ptr<std::mutex> mutex = {});
  std::size_t add_protocol(std::string name, EndpointFactory factory, std::shared_ptr<std::mutex> mutex = {},
                           PortOptions options = {});
  // options.host and options.port do not apply to a terminal.
  std::size_t add_pty(std::string name, EndpointFactory factory, std::shared_ptr<std::mutex> mutex = {},
                      PortOptions options = {});
  // A port of another kind on the group's io thread (the front panel's HTTP server, drivers/panel):
  // make(io, context, host, port) binds it. It is numbered, started, stopped and listed like the
  // others; its context has no endpoint factory and is neither pausable nor logged.
  using PortMaker = std::function<std::unique_ptr<Port>(boost::asio::io_context&, std::shared_ptr<PortContext>,
                                                        const std::string& host, std::uint16_t port)>;
  std::size_t add_port(std::string name, const PortMaker& make, PortOptions options = {});
  void start();
  void stop() noexcept;

  std::size_t size() const { return ports_.size(); }
  std::optional<std::size_t> find(std::string_view name) const;
  const std::string& name(std::size_t index) const { return ports_.at(index)->context().name; }
  std::uint16_t port(std::size_t index) const { return ports_.at(index)->tcp_port(); }  // 0 for a pty
  std::string pty_path(std::size_t index) const { return ports_.at(index)->pty_path(); }  // "" for TCP
  std::mutex& mutex(std::size_t index) { return *ports_.at(index)->context().mutex; }
  std::size_t connection_count(std::size_t index) const { return ports_.at(index)->connection_count(); }
  // Answers produced for the port's clients and not yet taken by them (bounded per connection).
  std::size_t unsent_bytes(std::size_t index) const { return ports_.at(index)->context().unsent_bytes.load(); }
  const std::string& host() const { return host_; }

  PortFaults& faults(std::size_t index) { return ports_.at(index)->context().faults; }
  // False for a port added with PortOptions::accepts_faults = false (the control port): callers
  // that take faults from users (the control port, the panel) refuse them there.
  bool accepts_faults(std::size_t index) const { return ports_.at(index)->context().accepts_faults; }
  // Closes the port's connections now (asynchronously, on the io thread); the port keeps accepting.
  void drop(std::size_t index);
  bool has_error_queue(std::size_t index) const { return ports_.at(index)->context().status != nullptr; }
  // Entries in the port's SCPI error queue (0 without one), read under the port's mutex.
  std::size_t error_count(std::size_t index);
  // Queues a SCPI error in the port's instrument, under the port's mutex (so never call it while
  // holding that mutex). Throws std::invalid_argument for a port without an error queue.
  void inject_error(std::size_t index, int code, std::string detail = {});
  // While paused, pausable ports run no input: what arrives is held (per connection one read; the
  // rest waits in the kernel) and runs after resume(), nothing lost. Answers already owed still go.
  void pause();
  void resume();
  bool paused() const { return state_.paused.load(); }
  // A command of the port runs now.
  bool busy(std::size_t index) const { return ports_.at(index)->context().busy.load(); }
  // Asks the command the port runs now to stop at its next step (yield_port in port_work.hpp); it
  // lasts until that command ends. False, and nothing asked, when none runs.
  bool abort(std::size_t index);
  // Locks a mutex of this group's ports as a counted waiter, so that a long command holding it
  // hands it over between its steps at once (the control port locks the bench this way). A mutex
  // no port uses is locked plainly.
  std::unique_lock<std::mutex> lock(std::mutex& mutex);
  TrafficLog& traffic() { return state_.traffic; }

 private:
  std::shared_ptr<PortContext> context(std::string name, EndpointFactory factory, std::shared_ptr<std::mutex> mutex,
                                       const PortOptions& options);
  std::uint16_t next_port(const PortOptions& options, const std::string& name);
  std::size_t install(std::unique_ptr<Port> port);
  void run() noexcept;

  std::string host_;
  std::uint16_t base_port_;
  ConnectionLimits limits_;
  GroupState state_;
  boost::asio::io_context io_{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::unique_ptr<Port>> ports_;
  std::map<const std::mutex*, std::shared_ptr<std::atomic<int>>> waiting_;  // per mutex: counted waiters
  std::vector<std::unique_ptr<boost::asio::thread_pool>> workers_;  // one per port; joined by stop()
  unsigned numbered_ = 0;  // TCP ports numbered from the base so far
  std::thread thread_;
  bool stopped_ = false;
};

}  // namespace spiceloop::server
