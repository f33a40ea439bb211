#pragma once
// What a port serves: any line protocol as an object that takes the bytes a client sent and hands
// back the bytes to send. One Endpoint per connection (it keeps that connection's framing); the
// server calls feed() and take_output() on its io thread while holding the port's mutex, so an
// Endpoint needs no locking of its own. feed() must not throw: bad input becomes an answer or a
// queued error, never a closed connection. ScpiEndpoint is the SCPI kind (a scpi::Session).
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "drivers/scpi/command_tree.hpp"
#include "drivers/scpi/session.hpp"
#include "drivers/scpi/status.hpp"

namespace spiceloop::server {

class Endpoint {
 public:
  virtual ~Endpoint() = default;
  // Bytes as they arrived, split anywhere; runs every message completed by them.
  virtual void feed(std::string_view bytes) = 0;
  // The answers produced since the last call ("" when only commands came in).
  virtual std::string take_output() = 0;
};

// Called once per new connection, on the io thread.
using EndpointFactory = std::function<std::unique_ptr<Endpoint>()>;

class ScpiEndpoint : public Endpoint {
 public:
  ScpiEndpoint(const scpi::CommandTree& tree, scpi::Status& status, scpi::SessionLimits limits = {})
      : session_(tree, status, limits) {}
  void feed(std::string_view bytes) override { session_.feed(bytes); }
  std::string take_output() override { return session_.take_output(); }

 private:
  scpi::Session session_;
};

// Sessions over one instrument's tree and Status, which must outlive every connection.
inline EndpointFactory scpi_endpoints(const scpi::CommandTree& tree, scpi::Status& status,
                                      scpi::SessionLimits limits = {}) {
  return [&tree, &status, limits] { return std::make_unique<ScpiEndpoint>(tree, status, limits); };
}

}  // namespace spiceloop::server
