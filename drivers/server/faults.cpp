#include "drivers/server/faults.hpp"

#include <algorithm>
#include <utility>

namespace spiceloop::server {

void PortFaults::set_delay(std::chrono::microseconds delay) {
  std::lock_guard lock(mutex_);
  state_.delay = std::clamp(delay, std::chrono::microseconds(0), max_delay);
}

void PortFaults::set_latency(std::chrono::microseconds latency) {
  std::lock_guard lock(mutex_);
  state_.latency = std::clamp(latency, std::chrono::microseconds(0), max_delay);
}

void PortFaults::set_silence(bool on) {
  std::lock_guard lock(mutex_);
  state_.silence = on;
}

void PortFaults::arm_garbage(std::size_t bytes, std::uint64_t seed) {
  std::lock_guard lock(mutex_);
  state_.garbage_bytes = std::min(bytes, max_garbage_bytes);
  state_.garbage_seed = seed;
}

void PortFaults::clear() {
  std::lock_guard lock(mutex_);
  state_ = FaultState{.latency = state_.latency};
}

FaultState PortFaults::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

std::string PortFaults::take_garbage() {
  std::size_t bytes = 0;
  std::uint64_t seed = 0;
  {
    std::lock_guard lock(mutex_);
    bytes = std::exchange(state_.garbage_bytes, 0);
    seed = state_.garbage_seed;
  }
  return bytes ? garbage_bytes(bytes, seed) : std::string();
}

std::string garbage_bytes(std::size_t count, std::uint64_t seed) {
  std::string out;
  out.reserve(count);
  std::uint64_t x = seed;
  while (out.size() < count) {
    x += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    for (int i = 0; i < 8 && out.size() < count; ++i) out.push_back(static_cast<char>((z >> (8 * i)) & 0xff));
  }
  return out;
}

}  // namespace spiceloop::server
