#include "emulator/learning/plot.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include "emulator/core/log.hpp"

extern char** environ;

namespace spiceloop {

namespace {
std::filesystem::path find_script() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("SPICELOOP_PLOT_SCRIPT")) return env;
  std::vector<fs::path> candidates = {fs::current_path() / "tools/plot_training.py"};
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(exe.parent_path().parent_path() / "tools/plot_training.py");
    candidates.push_back(exe.parent_path().parent_path().parent_path() / "tools/plot_training.py");
  }
  for (const auto& c : candidates)
    if (fs::exists(c, ec)) return c;
  return {};
}

std::string find_python() {
  if (::access("/usr/bin/python3", X_OK) == 0) return "/usr/bin/python3";
  return "python3";  // posix_spawnp searches PATH
}
}  // namespace

bool plot_training(const std::filesystem::path& metrics, const std::filesystem::path& png,
                   std::filesystem::path script) {
  if (script.empty()) script = find_script();
  if (script.empty()) {
    log::warn("tools/plot_training.py not found; skipping {}", png.string());
    return false;
  }
  const std::string python = find_python();
  // Spawned with an argument vector, not a shell: paths cannot be read as commands.
  std::vector<std::string> args = {python, script.string(), metrics.string(), png.string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (::posix_spawnp(&pid, python.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
    log::warn("cannot run {}; skipping {}", python, png.string());
    return false;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return false;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
  log::warn("{} {} did not write {} (exit {}); is matplotlib installed?", python, script.string(), png.string(),
            WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return false;
}

}  // namespace spiceloop
