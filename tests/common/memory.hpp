// Resident memory of a process, for the tests that hold memory flat (ngspice's worker over many
// solves, the panel with pages that never read).
#pragma once

#include <unistd.h>

#include <fstream>
#include <string>

namespace spiceloop::test {

// Under AddressSanitizer freed memory sits in a quarantine (256 MB by default) and every block
// carries redzones, so resident memory grows by design: a flatness bound measures ASan, not us.
// Leaks are LeakSanitizer's job in that build (tools/sanitize.sh).
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kResidentMemoryIsMeaningful = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kResidentMemoryIsMeaningful = false;
#else
inline constexpr bool kResidentMemoryIsMeaningful = true;
#endif
#else
inline constexpr bool kResidentMemoryIsMeaningful = true;
#endif

// VmRSS from /proc/<pid>/status in KiB; -1 when it cannot be read.
inline long rss_kib(pid_t pid = ::getpid()) {
  // Appended, not "/proc/" + ...: GCC 12 warns falsely on that form (-Wrestrict, GCC bug 105329).
  std::string path = "/proc/";
  path += std::to_string(pid);
  path += "/status";
  std::ifstream status(path);
  std::string key;
  long value = -1;
  while (status >> key) {
    if (key == "VmRSS:") {
      status >> value;
      return value;
    }
    status.ignore(4096, '\n');
  }
  return value;
}

}  // namespace spiceloop::test
