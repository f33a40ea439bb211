#pragma once
// The control port, the emulator's back door (INSTRUMENTS.md "Control port"): JSON lines for tests
// and experiments, never for lab code. One JSON object per line in, one per line out:
//   {"cmd":"truth"} -> {"ok":true,"node_volts":{...},"edge_ohms":{...},"edge_codes":{...},"solves":N}
// and help, ports, pause, resume, fault, abort, reseed, reset, traffic (README.md beside this file).
// A failure answers {"ok":false,"error":"control.<id>","detail":"<where>: ..."} (requests are read by
// emulator/core/json_reader.hpp, located as "request#/<field>"); bad input never closes the
// connection. Lines are bounded (max_line_bytes; longer: control.line_too_long) and so is one
// read's output (max_output_bytes; beyond: control.output_overrun).
//
// Pure: an Endpoint the server feeds on the port's worker, one per connection. It locks the bench
// mutex (through ServerGroup::lock, so a running learning clock hands it over at its next cycle)
// while touching the Bench, so the port must NOT be given that mutex as its own (add_control_port
// does it right). Faults, pause, abort and the traffic log go through the ServerGroup. Prints nothing.
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "drivers/server/endpoint.hpp"
#include "drivers/server/server_group.hpp"
#include "emulator/bench/bench.hpp"
#include "emulator/core/json_reader.hpp"

namespace spiceloop::standins {

struct ControlLimits {
  std::size_t max_line_bytes = 64 * 1024;
  std::size_t max_output_bytes = 8 << 20;
  std::size_t max_traffic_entries = 1000;  // per "traffic" answer; page on with "next"
};

class ControlPort : public server::Endpoint {
 public:
  ControlPort(Bench& bench, server::ServerGroup& group, std::mutex& bench_mutex, ControlLimits limits = {});

  void feed(std::string_view bytes) override;
  std::string take_output() override;
  // One request line (without its terminator) to one answer line (without its terminator).
  std::string handle(std::string_view line);

 private:
  nlohmann::json run(const JsonObject& request);
  nlohmann::json truth();
  nlohmann::json ports();
  nlohmann::json fault(const JsonObject& request);
  std::size_t port_index(const JsonObject& request);
  nlohmann::json traffic(const JsonObject& request);
  void answer(std::string_view line);

  Bench& bench_;
  server::ServerGroup& group_;
  std::mutex& bench_mutex_;
  ControlLimits limits_;
  std::string line_;
  bool discarding_ = false;  // inside a line longer than max_line_bytes
  std::string output_;
  bool overrun_noted_ = false;
};

// A factory for ServerGroup::add_protocol; everything captured must outlive the group's connections.
server::EndpointFactory control_endpoints(Bench& bench, server::ServerGroup& group, std::mutex& bench_mutex,
                                          ControlLimits limits = {});

// Adds the control port as `serve` wants it: named "control", on 127.0.0.1 whatever the group's
// host, its own mutex, never paused, kept out of the traffic log. port: unset = the group's
// numbering, 0 = a free port. Returns the port's index in the group.
std::size_t add_control_port(server::ServerGroup& group, Bench& bench, std::mutex& bench_mutex,
                             std::optional<std::uint16_t> port = std::nullopt, ControlLimits limits = {});

}  // namespace spiceloop::standins
