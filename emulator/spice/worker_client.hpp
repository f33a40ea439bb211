// Supervisor of one ngspice worker process (emulator/spice/worker/). Starts it with posix_spawn on
// a socketpair that is the worker's stdin and stdout, exchanges protocol.hpp frames, and never
// lets the worker take the parent down: writes use MSG_NOSIGNAL (no SIGPIPE), every reply has a
// deadline (a hung worker is killed), and a dead worker is reaped (no zombies). The worker runs in
// its own process group (a terminal's Ctrl-C is the parent's to handle). After a death the client
// is simply not running; start() makes a fresh one.
// Reaping: each worker has a reaper thread blocked in waitid() on that one pid, so a worker killed
// from outside is reaped at once (not when its circuit kind is next used) and its death logged at
// warn level. No signal handler is installed, SIGCHLD's disposition is left as the program set it,
// and no other child of the program is waited for. The reaper waits for the exit without reaping
// (WNOWAIT), then reaps under the mutex every kill() takes: a signal never reaches a reused pid.
// Failures throw SimulationError: spice.worker_crashed (death, EOF, controlled exit),
// spice.worker_timeout, spice.worker_start, spice.unsafe_init; error replies rethrow as the
// InputError or SimulationError the worker reported, with ngspice's lines.
// Not thread-safe: one client per thread. The destructor quits the worker and never throws.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "emulator/spice/protocol.hpp"

namespace spiceloop {

struct WorkerOptions {
  std::string executable;                               // empty: ngspice_worker_path()
  std::chrono::milliseconds reply_timeout{60'000};      // per exchange, and for start-up
};

class WorkerClient {
 public:
  explicit WorkerClient(WorkerOptions options = {});
  ~WorkerClient();
  WorkerClient(const WorkerClient&) = delete;
  WorkerClient& operator=(const WorkerClient&) = delete;

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  int starts() const { return starts_; }
  void start();

  // Writes every request, then reads exactly one reply per request, in order. Returns the Ok and
  // Result replies; if any reply is an Error, reads the rest and throws the first.
  std::vector<protocol::Frame> exchange(const std::vector<protocol::Frame>& requests);

  // Writes a request without waiting for its reply, which the next exchange reads first (and
  // throws, if it is an error): the worker works on it while the caller does something else.
  void post(const protocol::Frame& request);

  // Writes a request that gets no reply (Quit, Fault AbortNow).
  void send_only(const protocol::Frame& request);

  // ngspice lines the worker forwarded during the latest exchange.
  const std::vector<std::string>& lines() const { return lines_; }

  // Asks the worker to quit, waits briefly, then kills; reaps. Never throws.
  void stop() noexcept;

 private:
  bool write_all(const std::string& bytes, std::chrono::steady_clock::time_point deadline);
  protocol::Frame read_frame(std::chrono::steady_clock::time_point deadline);
  [[noreturn]] void died(const std::string& how);
  void reap(bool kill_first) noexcept;
  struct Reaper;

  WorkerOptions options_;
  std::shared_ptr<Reaper> reaper_;  // shared with the reaper thread of the running worker
  std::thread reaper_thread_;
  pid_t pid_ = -1;
  int fd_ = -1;
  int starts_ = 0;
  std::string inbuf_;
  std::vector<std::string> lines_;
  int exit_status_ = 0;     // waitpid status of the last reaped worker
  size_t unanswered_ = 0;  // posted requests whose replies are not read yet
};

}  // namespace spiceloop
