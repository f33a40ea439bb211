#pragma once
// The traffic log of a server group: every message a client sent and every answer, one line each
// (terminator stripped), with both clocks in microseconds, the port name, the connection id and the
// direction; plus events (open, close, drop, answers swallowed by the silence fault). A ring buffer:
// once `capacity` entries are held the oldest go. Sequence numbers start at 0 and never repeat, so
// a reader polls since(next) and learns from `dropped` how many it missed. Texts longer than
// max_text_bytes are cut (`bytes` keeps the full length). Thread-safe: the io thread records, any
// thread reads.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace spiceloop::server {

enum class Direction { In, Out, Event };

const char* direction_name(Direction d);  // "in", "out", "event"

struct TrafficEntry {
  std::uint64_t sequence = 0;
  std::int64_t steady_us = 0;  // std::chrono::steady_clock, for intervals
  std::int64_t system_us = 0;  // microseconds since the Unix epoch, for humans
  std::string port;
  std::uint64_t connection = 0;  // group-wide id, from 1
  Direction direction = Direction::In;
  std::string text;
  std::size_t bytes = 0;  // length of the message before any cut
};

struct TrafficPage {
  std::vector<TrafficEntry> entries;
  std::uint64_t next = 0;     // pass to the next since()
  std::uint64_t dropped = 0;  // entries after the asked sequence that the ring no longer holds
};

class TrafficLog {
 public:
  static constexpr std::size_t default_capacity = 10000;
  static constexpr std::size_t max_text_bytes = 1024;

  explicit TrafficLog(std::size_t capacity = default_capacity) : capacity_(capacity ? capacity : 1) {}

  // full_bytes: the message's length when `text` is already a cut of it (0: text.size()).
  void record(std::string_view port, std::uint64_t connection, Direction direction, std::string_view text,
              std::size_t full_bytes = 0);
  // Entries with sequence >= since, oldest first, at most max_entries of them.
  TrafficPage since(std::uint64_t since, std::size_t max_entries = default_capacity) const;
  std::uint64_t next_sequence() const;
  std::size_t capacity() const { return capacity_; }
  void clear();

 private:
  mutable std::mutex mutex_;
  std::size_t capacity_;
  std::deque<TrafficEntry> entries_;
  std::uint64_t next_ = 0;
};

}  // namespace spiceloop::server
