#include "drivers/server/traffic_log.hpp"

#include <algorithm>
#include <chrono>

namespace spiceloop::server {

const char* direction_name(Direction d) {
  switch (d) {
    case Direction::In: return "in";
    case Direction::Out: return "out";
    case Direction::Event: return "event";
  }
  return "?";
}

void TrafficLog::record(std::string_view port, std::uint64_t connection, Direction direction, std::string_view text,
                        std::size_t full_bytes) {
  using namespace std::chrono;
  TrafficEntry e;
  e.steady_us = duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
  e.system_us = duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
  e.port = port;
  e.connection = connection;
  e.direction = direction;
  e.bytes = std::max(full_bytes, text.size());
  e.text = text.substr(0, max_text_bytes);
  std::lock_guard lock(mutex_);
  e.sequence = next_++;
  if (entries_.size() == capacity_) entries_.pop_front();
  entries_.push_back(std::move(e));
}

TrafficPage TrafficLog::since(std::uint64_t since, std::size_t max_entries) const {
  std::lock_guard lock(mutex_);
  TrafficPage page;
  const std::uint64_t oldest = entries_.empty() ? next_ : entries_.front().sequence;
  if (since < oldest) {
    page.dropped = oldest - since;
    since = oldest;
  }
  // Sequences in the ring are consecutive, so the first wanted entry is found by subtraction.
  const std::uint64_t first = std::min<std::uint64_t>(since - oldest, entries_.size());
  for (auto it = entries_.begin() + static_cast<std::ptrdiff_t>(first);
       it != entries_.end() && page.entries.size() < max_entries; ++it)
    page.entries.push_back(*it);
  page.next = page.entries.empty() ? std::min(since, next_) : page.entries.back().sequence + 1;
  return page;
}

std::uint64_t TrafficLog::next_sequence() const {
  std::lock_guard lock(mutex_);
  return next_;
}

void TrafficLog::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

}  // namespace spiceloop::server
