#include "emulator/spice/worker/private_dir.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "emulator/spice/protocol.hpp"

namespace spiceloop::worker {

namespace fs = std::filesystem;

PrivateDir::PrivateDir() {
  std::error_code ec;
  fs::path base = fs::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string templ = (base / (std::string(protocol::kPrivateDirPrefix) + "XXXXXX")).string();
  if (!mkdtemp(templ.data())) throw std::runtime_error("cannot create a private directory under " + base.string());
  path_ = templ;
  if (chdir(path_.c_str()) != 0) {
    remove();
    throw std::runtime_error("cannot enter the private directory " + templ);
  }
}

void PrivateDir::remove() noexcept {
  if (path_.empty()) return;
  // The process stays in the removed directory: nothing can be created or found relative to it.
  std::error_code ec;
  fs::remove_all(path_, ec);
  path_.clear();
}

std::vector<std::string> present_startup_files() {
  std::vector<std::string> candidates = {".spiceinit", "spice.rc"};
  if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_dir) candidates.push_back(std::string(pw->pw_dir) + "/.spiceinit");
  if (const char* home = std::getenv("HOME"); home && *home) candidates.push_back(std::string(home) + "/.spiceinit");
  std::vector<std::string> present;
  for (const std::string& c : candidates)
    if (access(c.c_str(), F_OK) == 0) present.push_back(c == ".spiceinit" || c == "spice.rc" ? fs::absolute(c).string() : c);
  return present;
}

}  // namespace spiceloop::worker
