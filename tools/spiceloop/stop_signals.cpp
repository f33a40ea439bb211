#include "tools/spiceloop/stop_signals.hpp"

#include <pthread.h>

#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace spiceloop::cli {

struct StopSignals::Watch {
  std::mutex mutex;
  std::condition_variable came;
  bool waiting = false;
  int signal = 0;
};

namespace {

// As if the signal had never been blocked: the default action, which ends the process.
[[noreturn]] void die_by(int signal) {
  std::signal(signal, SIG_DFL);
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, signal);
  pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
  raise(signal);
  std::_Exit(128 + signal);  // not reached
}

}  // namespace

StopSignals::StopSignals(bool fatal_until_wait) {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set_, nullptr);
  if (!fatal_until_wait) return;
  watch_ = std::make_shared<Watch>();
  // Detached: it outlives a command that ends by an exception; the process's end ends it.
  std::thread([set = set_, watch = watch_] {
    int signal = 0;
    sigwait(&set, &signal);
    std::lock_guard lock(watch->mutex);
    if (!watch->waiting) die_by(signal);
    watch->signal = signal;
    watch->came.notify_all();
  }).detach();
}

int StopSignals::wait() {
  if (!watch_) {
    int signal = 0;
    sigwait(&set_, &signal);
    return signal;
  }
  std::unique_lock lock(watch_->mutex);
  watch_->waiting = true;
  watch_->came.wait(lock, [&] { return watch_->signal != 0; });
  return watch_->signal;
}

}  // namespace spiceloop::cli
