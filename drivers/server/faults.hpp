#pragma once
// The faults one port can be told to show (INSTRUMENTS.md "Control port"), set from any thread
// while the port serves: a delay before each answer (also the realism knob "per-command latency"),
// silence (answers are computed, then swallowed), and garbage (pseudo-random bytes, from a seed,
// sent once before the next answer of any connection of the port). `drop` and `error` are actions,
// not states: ServerGroup::drop and ServerGroup::inject_error. clear() ends every fault.
// The realism knob "per-command latency" is set apart (set_latency): it adds to the fault delay and
// survives clear(), so clearing faults does not make the emulated instruments faster than the bench.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>

namespace spiceloop::server {

struct FaultState {
  std::chrono::microseconds latency{0};  // the realism knob; not a fault, kept by clear()
  std::chrono::microseconds delay{0};
  bool silence = false;
  std::size_t garbage_bytes = 0;  // armed, not yet sent
  std::uint64_t garbage_seed = 0;
};

class PortFaults {
 public:
  static constexpr std::chrono::microseconds max_delay = std::chrono::seconds(60);
  static constexpr std::size_t max_garbage_bytes = 1 << 20;

  // Clamped to 0..max_delay.
  void set_delay(std::chrono::microseconds delay);
  void set_latency(std::chrono::microseconds latency);  // clamped like the delay
  void set_silence(bool on);
  // Replaces any garbage not yet sent; clamped to max_garbage_bytes.
  void arm_garbage(std::size_t bytes, std::uint64_t seed);
  void clear();
  FaultState state() const;

  // For the connection about to answer: the armed garbage (then disarmed), "" when none.
  std::string take_garbage();

 private:
  mutable std::mutex mutex_;
  FaultState state_;
};

// The same seed always gives the same bytes (splitmix64; every byte value can occur).
std::string garbage_bytes(std::size_t count, std::uint64_t seed);

}  // namespace spiceloop::server
