#include "emulator/core/plot_script.hpp"

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
std::string find_python() {
  if (::access("/usr/bin/python3", X_OK) == 0) return "/usr/bin/python3";
  return "python3";  // posix_spawnp searches PATH
}
}  // namespace

std::filesystem::path find_plot_script(const std::string& name, const char* env_override) {
  namespace fs = std::filesystem;
  if (const char* env = env_override ? std::getenv(env_override) : nullptr; env && *env) return env;
  std::vector<fs::path> candidates = {fs::current_path() / "tools" / name};
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec)
    for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path())
      candidates.push_back(dir / "tools" / name);
  for (const auto& c : candidates)
    if (fs::exists(c, ec)) return c;
  return {};
}

bool run_plot_script(const std::filesystem::path& script, const std::vector<std::string>& args,
                     const std::string& what) {
  const std::string python = find_python();
  std::vector<std::string> words = {python, script.string()};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (::posix_spawnp(&pid, python.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
    log::warn("cannot run {}; skipping {}", python, what);
    return false;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return false;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
  log::warn("{} {} did not write {} (exit {}); is matplotlib installed?", python, script.string(), what,
            WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return false;
}

}  // namespace spiceloop
