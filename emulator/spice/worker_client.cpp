#include "emulator/spice/worker_client.hpp"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>

#include "emulator/core/error.hpp"
#include "emulator/core/log.hpp"
#include "emulator/spice/worker_path.hpp"

extern char** environ;

namespace spiceloop {

namespace {

using Clock = std::chrono::steady_clock;
using protocol::MessageType;

std::string describe_status(int status) {
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    return "killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
  }
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  return "ended";
}

}  // namespace

// What the reaper thread of one worker shares with its client.
struct WorkerClient::Reaper {
  std::mutex mutex;
  std::condition_variable done;
  bool reaped = false;
  bool expected = false;  // the client quit or killed it: no warning
  int status = 0;

  // kill() only while the pid is ours: not yet reaped (a zombie's pid is not reused).
  void signal(pid_t pid, int sig) {
    std::lock_guard lock(mutex);
    if (!reaped) ::kill(pid, sig);
  }

  static void run(const std::shared_ptr<Reaper>& self, pid_t pid) noexcept {
    siginfo_t info{};
    int r = 0;
    do {
      r = ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT);
    } while (r < 0 && errno == EINTR);
    int status = 0;
    bool expected = false;
    {
      std::lock_guard lock(self->mutex);
      // ECHILD: SIGCHLD is ignored (the kernel reaped it) or someone else waited for it.
      if (r == 0)
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
      self->reaped = true;
      self->status = status;
      expected = self->expected;
    }
    self->done.notify_all();
    if (!expected) {
      try {
        log::warn("ngspice worker {} {}; a fresh worker starts with the next request", pid, describe_status(status));
      } catch (...) {
      }
    }
  }
};

WorkerClient::WorkerClient(WorkerOptions options) : options_(std::move(options)) {
  if (options_.executable.empty()) options_.executable = ngspice_worker_path();
}

WorkerClient::~WorkerClient() { stop(); }

void WorkerClient::start() {
  if (running()) return;
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    throw SimulationError("spice.worker_start", "", std::string("socketpair failed: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, sv[1], 0);
  posix_spawn_file_actions_adddup2(&actions, sv[1], 1);
  // Its own process group: a Ctrl-C at the terminal is the parent's to handle (its destructor
  // quits the worker), not a signal that kills ngspice mid-solve.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  std::string exe = options_.executable;
  char* argv[] = {exe.data(), nullptr};
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, exe.c_str(), &actions, &attr, argv, environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  close(sv[1]);
  if (rc != 0) {
    close(sv[0]);
    throw SimulationError("spice.worker_start", exe, std::string("cannot start the ngspice worker: ") + std::strerror(rc));
  }
  pid_ = pid;
  fd_ = sv[0];
  reaper_ = std::make_shared<Reaper>();
  try {
    reaper_thread_ = std::thread(&Reaper::run, reaper_, pid);
  } catch (...) {
    ::kill(pid, SIGKILL);  // no thread to reap it: do it here, so nothing is left behind
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    close(sv[0]);
    pid_ = -1;
    fd_ = -1;
    reaper_.reset();
    throw SimulationError("spice.worker_start", exe, "cannot start the thread that supervises the ngspice worker");
  }
  inbuf_.clear();
  lines_.clear();
  ++starts_;
  const protocol::Frame first = read_frame(Clock::now() + options_.reply_timeout);
  if (first.type == MessageType::Ready) {
    const protocol::Ready ready = protocol::decode<protocol::Ready>(first.payload);
    log::debug("ngspice worker {} started (its directory {} already removed)", pid_, ready.private_dir);
    return;
  }
  std::string id = "spice.worker_start", where, message = "the ngspice worker did not say it was ready";
  const bool refused = first.type == MessageType::Error;
  if (refused) {
    const protocol::ErrorReply e = protocol::decode<protocol::ErrorReply>(first.payload);
    id = e.id;
    where = e.where;
    message = e.message;
  }
  reap(!refused);  // a worker that refused exits by itself
  throw SimulationError(id, where, message, lines_);
}

// Writes while also draining replies into inbuf_: a long pipelined batch would otherwise
// deadlock once both socket buffers are full (we blocked sending, the worker blocked replying).
bool WorkerClient::write_all(const std::string& bytes, Clock::time_point deadline) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t w = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w > 0) {
      sent += static_cast<size_t>(w);
      continue;
    }
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLOUT | POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::min<long long>(left.count() + 1, 1'000'000'000))) < 0 && errno != EINTR)
      return false;
    if (p.revents & POLLIN) {
      char buf[65536];
      const ssize_t r = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
      if (r > 0) inbuf_.append(buf, static_cast<size_t>(r));
      else if (r == 0) return false;
    } else if (p.revents & (POLLHUP | POLLERR)) {
      return false;
    }
  }
  return true;
}

void WorkerClient::send_only(const protocol::Frame& request) {
  if (!running()) return;
  if (!write_all(protocol::encode_frame(request), Clock::now() + options_.reply_timeout)) died("the ngspice worker stopped reading");
}

void WorkerClient::post(const protocol::Frame& request) {
  if (!running()) return;
  ++unanswered_;
  // A write that fails leaves the worker for the next exchange to find dead.
  write_all(protocol::encode_frame(request), Clock::now() + options_.reply_timeout);
}

protocol::Frame WorkerClient::read_frame(Clock::time_point deadline) {
  for (;;) {
    if (inbuf_.size() >= protocol::kHeaderBytes) {
      protocol::Frame f{};
      std::uint32_t bytes = 0;
      try {
        protocol::get_header(inbuf_.data(), f.type, bytes);
      } catch (const protocol::ProtocolError& e) {
        reap(true);
        throw SimulationError(protocol::kWorkerCrashed, "", std::string("garbled reply from the ngspice worker: ") + e.what(), lines_);
      }
      if (inbuf_.size() >= protocol::kHeaderBytes + bytes) {
        f.payload = inbuf_.substr(protocol::kHeaderBytes, bytes);
        inbuf_.erase(0, protocol::kHeaderBytes + bytes);
        if (f.type == MessageType::Log) {
          lines_.push_back(std::move(f.payload));
          continue;
        }
        return f;
      }
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      reap(true);
      throw SimulationError(protocol::kWorkerTimeout, "",
                            "the ngspice worker did not answer within " + std::to_string(options_.reply_timeout.count()) +
                                " ms and was killed; a fresh worker starts with the next request",
                            lines_);
    }
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count() + 1, 1'000'000'000)));
    if (ready < 0 && errno != EINTR) died("poll failed");
    if (ready <= 0) continue;
    char buf[65536];
    const ssize_t r = ::recv(fd_, buf, sizeof buf, 0);
    if (r > 0) inbuf_.append(buf, static_cast<size_t>(r));
    else if (r == 0 || (errno != EINTR && errno != EAGAIN)) died("the ngspice worker closed its end");
  }
}

void WorkerClient::died(const std::string& how) {
  reap(false);
  throw SimulationError(protocol::kWorkerCrashed, "",
                        how + " (" + describe_status(exit_status_) + "); a fresh worker starts with the next request",
                        lines_);
}

std::vector<protocol::Frame> WorkerClient::exchange(const std::vector<protocol::Frame>& requests) {
  start();
  lines_.clear();
  std::string out;
  for (const protocol::Frame& r : requests) out += protocol::encode_frame(r);
  if (!write_all(out, Clock::now() + options_.reply_timeout)) died("the ngspice worker stopped reading");
  std::vector<protocol::Frame> replies;
  std::optional<protocol::ErrorReply> first_error;
  const size_t posted = unanswered_;
  unanswered_ = 0;
  for (size_t i = 0; i < posted + requests.size(); ++i) {
    protocol::Frame f = read_frame(Clock::now() + options_.reply_timeout);
    if (f.type == MessageType::Error) {
      protocol::ErrorReply e = protocol::decode<protocol::ErrorReply>(f.payload);
      if (e.id == protocol::kControlledExit) died("ngspice made a controlled exit: " + e.message);
      if (!first_error) first_error = std::move(e);
    } else if (f.type == MessageType::Ok || f.type == MessageType::Result || f.type == MessageType::TransientData) {
      replies.push_back(std::move(f));
    } else {
      reap(true);
      throw SimulationError(protocol::kWorkerCrashed, "", "unexpected reply from the ngspice worker", lines_);
    }
  }
  replies.erase(replies.begin(), replies.begin() + static_cast<std::ptrdiff_t>(std::min(posted, replies.size())));
  if (first_error) {
    if (first_error->error_class == protocol::ErrorClass::Input)
      throw InputError(first_error->id, first_error->where, first_error->message);
    throw SimulationError(first_error->id, first_error->where, first_error->message, lines_);
  }
  return replies;
}

void WorkerClient::reap(bool kill_first) noexcept {
  unanswered_ = 0;
  if (pid_ <= 0) return;
  {
    std::lock_guard lock(reaper_->mutex);
    // A worker that had died by itself stays reported (died() names its signal); one we end is not.
    if (!reaper_->reaped) reaper_->expected = true;
  }
  if (kill_first) reaper_->signal(pid_, SIGKILL);
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  {
    // After EOF or Quit the worker is exiting; give it a moment, then make sure.
    std::unique_lock lock(reaper_->mutex);
    if (!reaper_->done.wait_for(lock, std::chrono::seconds(2), [&] { return reaper_->reaped; })) {
      ::kill(pid_, SIGKILL);  // under the mutex: not yet reaped, so still our child
      reaper_->done.wait(lock, [&] { return reaper_->reaped; });
    }
    exit_status_ = reaper_->status;
  }
  if (reaper_thread_.joinable()) reaper_thread_.join();
  reaper_.reset();
  pid_ = -1;
  inbuf_.clear();
}

void WorkerClient::stop() noexcept {
  if (!running()) return;
  {
    // Before Quit: a worker that exits at once must not be reported as an unexpected death.
    std::lock_guard lock(reaper_->mutex);
    if (!reaper_->reaped) reaper_->expected = true;
  }
  try {
    write_all(protocol::encode_frame({MessageType::Quit, {}}), Clock::now() + std::chrono::seconds(1));
  } catch (...) {
  }
  reap(false);
}

}  // namespace spiceloop
