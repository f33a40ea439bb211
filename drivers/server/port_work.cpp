#include "drivers/server/port_work.hpp"

#include <thread>

#include "drivers/server/endpoint.hpp"
#include "drivers/server/port.hpp"

namespace spiceloop::server {

namespace {

using Clock = std::chrono::steady_clock;

// The command this thread runs now, for yield_port().
struct Current {
  PortContext* port = nullptr;
  std::unique_lock<std::mutex>* lock = nullptr;
  std::atomic<bool>* abort_batch = nullptr;
  Clock::time_point held_since{};
};
thread_local Current current;

// A waiter that was woken gets the mutex within microseconds; this bounds the wait for one that
// does not come (it may have been descheduled on a loaded machine).
constexpr std::chrono::milliseconds kHandOverWait{2};
constexpr std::chrono::microseconds kSliceGap{100};

}  // namespace

std::unique_lock<std::mutex> lock_counted(std::mutex& mutex, std::atomic<int>& waiting) {
  std::unique_lock lock(mutex, std::try_to_lock);
  if (lock.owns_lock()) return lock;
  waiting.fetch_add(1);
  lock.lock();
  waiting.fetch_sub(1);
  return lock;
}

std::string run_commands(PortContext& port, Endpoint& endpoint, std::string_view bytes,
                         std::atomic<bool>& abort_batch) noexcept {
  std::string answers;
  try {
    std::unique_lock lock = lock_counted(*port.mutex, *port.waiting);
    // A request left over from a command that ended as it was made is not for this one.
    port.abort_requested = false;
    port.busy = true;
    current = {&port, &lock, &abort_batch, Clock::now()};
    try {
      endpoint.feed(bytes);
      answers = endpoint.take_output();
    } catch (...) {
      // Endpoints do not throw; if one ever did, this client keeps its connection and gets no answer.
    }
    current = {};
    port.busy = false;
    port.abort_requested = false;
  } catch (...) {
    current = {};
    port.busy = false;
  }
  abort_batch = false;
  return answers;
}

bool yield_port() {
  if (!current.port) return false;
  PortContext& port = *current.port;
  std::atomic<int>& waiting = *port.waiting;
  const bool announced = waiting.load() > 0;
  if (announced || Clock::now() - current.held_since >= kSliceHold) {
    current.lock->unlock();
    if (announced) {
      // Until every announced waiter has had its turn (new ones may join; the bound keeps us going).
      const auto until = Clock::now() + kHandOverWait;
      while (waiting.load() > 0 && Clock::now() < until) std::this_thread::yield();
    } else {
      std::this_thread::sleep_for(kSliceGap);
    }
    // Counted too: two long commands on one mutex take turns.
    *current.lock = lock_counted(*port.mutex, waiting);
    current.held_since = Clock::now();
  }
  return port.abort_requested.load() || current.abort_batch->load() || port.group->stopping.load();
}

}  // namespace spiceloop::server
