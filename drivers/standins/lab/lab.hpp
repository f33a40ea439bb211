// The whole emulated lab table on sockets: one Bench, every stand-in its bench file calls for, and
// one ServerGroup serving them, all instruments under one mutex (commands on the shared circuit run
// one at a time). What `spiceloop serve`, `spiceloop perf scpi` and the end-to-end tests start.
//
// Ports, numbered from options.base_port in this order (0: each a free port), present when the
// bench has what the instrument needs:
//   source         N6700-style source                                   always
//   scanner        34970A-style scanner                                 "scanner" channels
//   digipots       digipot bank, SCPI                                   "digipots" channels
//   digipots-line  the same bank, plain line protocol on TCP            "digipots" channels
//   digipots-pty   ... and on a pseudo-terminal (its path, no port)     "digipots" and options.pty
//   network        self-learning twin network with its learning clock   always (learning_network/)
//   smu            Keithley 2400-style SMU                              "smu"
//   pulser         pulse generator on a memristive crossbar             "pulser" (pulser/)
//   control        the JSON-lines back door, 127.0.0.1 only             always
// The realism knob command_latency_seconds becomes each instrument port's answer delay.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "drivers/server/server_group.hpp"
#include "drivers/standins/digipot/digipot_bank.hpp"
#include "drivers/standins/learning_network/learning_network.hpp"
#include "drivers/standins/pulser/pulser.hpp"
#include "drivers/standins/scanner/scanner.hpp"
#include "drivers/standins/smu/smu.hpp"
#include "drivers/standins/source/source.hpp"
#include "emulator/bench/bench.hpp"

namespace spiceloop::standins {

struct LabOptions {
  std::string host = "127.0.0.1";
  std::uint16_t base_port = 0;
  bool pty = true;
  server::ConnectionLimits limits{};
};

struct LabAddress {
  std::string name;     // the port's name (see above)
  std::string address;  // VISA resource, pty path, or host:port for the control port
};

class Lab {
 public:
  // Binds every port (throws server::BindError); serving starts with start().
  Lab(BenchConfig config, Simulator& sim, LabOptions options = {});
  ~Lab();
  Lab(const Lab&) = delete;
  Lab& operator=(const Lab&) = delete;

  void start() { group_->start(); }
  void stop() noexcept { group_->stop(); }

  Bench& bench() { return bench_; }
  std::mutex& bench_mutex() { return *mutex_; }
  server::ServerGroup& group() { return *group_; }
  // What the front panel shows beside the bench (null when the bench has no digipots).
  const DigipotBoard* digipot_board() const { return digipots_ ? &digipots_->board() : nullptr; }
  LearningClock& learning_clock() { return learning_network_.clock(); }
  Pulser* pulser() { return pulser_ ? &*pulser_ : nullptr; }  // null without a "pulser"
  std::vector<LabAddress> addresses() const;
  // Why the digipot board's pseudo-terminal could not be opened ("" when it was, or not asked).
  const std::string& pty_error() const { return pty_error_; }
  // {"spiceloop_addresses": 1, "bench": <bench file>, "<name>": "<address>", ...}: what
  // `spiceloop train --backend hil --instruments ADDRS.json` reads.
  nlohmann::json addresses_json(const std::string& bench_file) const;

 private:
  std::shared_ptr<std::mutex> mutex_;
  Bench bench_;
  Source source_;
  std::optional<Scanner> scanner_;
  std::optional<DigipotBank> digipots_;
  LearningNetwork learning_network_;
  std::optional<Smu> smu_;
  std::optional<Pulser> pulser_;
  std::string pty_error_;
  std::unique_ptr<server::ServerGroup> group_;  // last: stops before the instruments it serves go
};

}  // namespace spiceloop::standins
