#include "emulator/core/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace spiceloop::log {

namespace {
std::atomic<Level> g_level{Level::Info};
std::mutex g_mutex;
}  // namespace

void set_level(Level l) { g_level = l; }
Level level() { return g_level; }

void write(Level l, std::string_view text) {
  static constexpr const char* names[] = {"debug", "info", "warn", "error", ""};
  std::lock_guard lock(g_mutex);
  std::fprintf(stderr, "[%s] %.*s\n", names[static_cast<int>(l)], static_cast<int>(text.size()),
               text.data());
}

}  // namespace spiceloop::log
