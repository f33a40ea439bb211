#include "drivers/server/server_group.hpp"

#include <boost/asio/post.hpp>
#include <stdexcept>
#include <utility>

#include "drivers/scpi/common_commands.hpp"
#include "drivers/server/port_work.hpp"
#include "drivers/server/pty_port.hpp"

namespace spiceloop::server {

ServerGroup::ServerGroup(std::string host, std::uint16_t base_port, ConnectionLimits limits)
    : host_(std::move(host)), base_port_(base_port), limits_(limits), work_(io_.get_executor()) {}

ServerGroup::~ServerGroup() { stop(); }

std::optional<std::size_t> ServerGroup::find(std::string_view name) const {
  for (std::size_t i = 0; i < ports_.size(); ++i)
    if (ports_[i]->context().name == name) return i;
  return std::nullopt;
}

std::shared_ptr<PortContext> ServerGroup::context(std::string name, EndpointFactory factory,
                                                  std::shared_ptr<std::mutex> mutex, const PortOptions& options) {
  if (stopped_) throw std::logic_error("server.add: the group is stopped");
  if (name.empty() || find(name)) throw std::invalid_argument("server.add: port name '" + name + "' is empty or taken");
  auto c = std::make_shared<PortContext>();
  c->name = std::move(name);
  c->make_endpoint = std::move(factory);
  c->mutex = mutex ? std::move(mutex) : std::make_shared<std::mutex>();
  auto& waiting = waiting_[c->mutex.get()];
  if (!waiting) waiting = std::make_shared<std::atomic<int>>(0);
  c->waiting = waiting;
  workers_.push_back(std::make_unique<boost::asio::thread_pool>(1));
  c->worker = workers_.back().get();
  c->is_abort_line = options.abort_line;
  c->limits = limits_;
  c->status = options.status;
  c->pausable = options.pausable;
  c->logged = options.logged;
  c->accepts_faults = options.accepts_faults;
  if (options.refusal) c->refusal = options.refusal;
  c->group = &state_;
  return c;
}

std::size_t ServerGroup::install(std::unique_ptr<Port> port) {
  ports_.push_back(std::move(port));
  Port* added = ports_.back().get();
  boost::asio::post(io_, [added] { added->start(); });
  return ports_.size() - 1;
}

std::size_t ServerGroup::add(const scpi::CommandTree& tree, scpi::Status& status, std::shared_ptr<std::mutex> mutex) {
  return add("instrument" + std::to_string(ports_.size()), tree, status, std::move(mutex));
}

std::size_t ServerGroup::add(std::string name, const scpi::CommandTree& tree, scpi::Status& status,
                             std::shared_ptr<std::mutex> mutex) {
  PortOptions options;
  options.status = &status;
  options.abort_line = scpi::is_reset_message;
  return add_protocol(std::move(name), scpi_endpoints(tree, status, limits_.session), std::move(mutex), options);
}

std::size_t ServerGroup::add_protocol(std::string name, EndpointFactory factory, std::shared_ptr<std::mutex> mutex,
                                      PortOptions options) {
  auto c = context(std::move(name), std::move(factory), std::move(mutex), options);
  const std::uint16_t port = next_port(options, c->name);
  auto p = std::make_unique<InstrumentPort>(io_, options.host.empty() ? host_ : options.host, port, std::move(c));
  if (!options.port) ++numbered_;
  return install(std::move(p));
}

std::size_t ServerGroup::add_port(std::string name, const PortMaker& make, PortOptions options) {
  options.pausable = false;
  options.logged = false;
  auto c = context(std::move(name), {}, {}, options);
  const std::uint16_t port = next_port(options, c->name);
  auto p = make(io_, std::move(c), options.host.empty() ? host_ : options.host, port);
  if (!options.port) ++numbered_;
  return install(std::move(p));
}

std::uint16_t ServerGroup::next_port(const PortOptions& options, const std::string& name) {
  if (options.port) return *options.port;
  if (base_port_ == 0) return 0;
  const unsigned wanted = base_port_ + numbered_;
  if (wanted > 65535)
    throw BindError("server.bind: base port " + std::to_string(base_port_) + " leaves no port for '" + name +
                    "'; choose a lower base port");
  return static_cast<std::uint16_t>(wanted);
}

std::size_t ServerGroup::error_count(std::size_t index) {
  PortContext& c = ports_.at(index)->context();
  if (!c.status) return 0;
  std::lock_guard lock(*c.mutex);
  return c.status->errors().size();
}

std::size_t ServerGroup::add_pty(std::string name, EndpointFactory factory, std::shared_ptr<std::mutex> mutex,
                                 PortOptions options) {
  return install(std::make_unique<PtyPort>(io_, context(std::move(name), std::move(factory), std::move(mutex), options)));
}

void ServerGroup::drop(std::size_t index) {
  Port* p = ports_.at(index).get();
  boost::asio::post(io_, [p] { p->drop(); });
}

void ServerGroup::inject_error(std::size_t index, int code, std::string detail) {
  PortContext& c = ports_.at(index)->context();
  if (!c.status) throw std::invalid_argument("server.fault: port '" + c.name + "' has no SCPI error queue");
  std::unique_lock locked = lock(*c.mutex);
  c.status->report(code, std::move(detail));
}

bool ServerGroup::abort(std::size_t index) {
  PortContext& c = ports_.at(index)->context();
  if (!c.busy.load()) return false;
  c.abort_requested = true;
  return true;
}

std::unique_lock<std::mutex> ServerGroup::lock(std::mutex& mutex) {
  const auto found = waiting_.find(&mutex);
  if (found == waiting_.end()) return std::unique_lock(mutex);
  return lock_counted(mutex, *found->second);
}

void ServerGroup::pause() { state_.paused = true; }

void ServerGroup::resume() {
  state_.paused = false;
  std::vector<Port*> ports;
  for (auto& p : ports_) ports.push_back(p.get());
  boost::asio::post(io_, [ports = std::move(ports)] {
    for (Port* p : ports) p->resume();
  });
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
  state_.stopping = true;  // a long command ends at its next step, so the workers can be joined
  try {
    std::vector<Port*> ports;
    for (auto& p : ports_) ports.push_back(p.get());
    boost::asio::post(io_, [ports] {
      for (Port* p : ports) p->stop();
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
  // After the io thread: what the workers finish is posted to it and never run, and the
  // instruments they run commands on may go once stop() returns.
  for (auto& w : workers_) w->join();
}

}  // namespace spiceloop::server
