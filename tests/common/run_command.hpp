// Runs a shell command (the built `spiceloop` as a user would, or ngspice) and captures what it
// prints and its exit code.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace spiceloop::test {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout, then stderr when merge_stderr
};

inline CommandResult run_command(const std::string& command, bool merge_stderr = false) {
  const std::string full = command + (merge_stderr ? " 2>&1" : " 2>/dev/null");
  CommandResult r;
  FILE* pipe = popen(full.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf{};
  while (size_t n = fread(buf.data(), 1, buf.size(), pipe)) r.output.append(buf.data(), n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace spiceloop::test
