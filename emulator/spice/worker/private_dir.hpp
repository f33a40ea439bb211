// The worker's working directory: fresh, empty, private (mode 0700). ngspice sources a .spiceinit
// from its working directory at init, and any command text is a shell, so the interpreter must
// never start where someone else's files are. The worker removes the directory as soon as ngspice
// is initialised and stays in it (a deleted cwd: nothing relative can be created or found), so
// not even a SIGKILL later leaves it behind.
#pragma once

#include <string>
#include <vector>

namespace spiceloop::worker {

class PrivateDir {
 public:
  PrivateDir();  // mkdtemp under the temp directory and chdir into it; throws std::runtime_error
  ~PrivateDir() { remove(); }
  PrivateDir(const PrivateDir&) = delete;
  PrivateDir& operator=(const PrivateDir&) = delete;

  const std::string& path() const { return path_; }
  void remove() noexcept;  // idempotent; the cwd stays (deleted); safe right before _exit

 private:
  std::string path_;
};

// Start-up files ngspice would run as commands. ngspice 39 reads ./.spiceinit, else the
// .spiceinit in the passwd home directory (getpwuid, not $HOME); other builds read $HOME/.spiceinit
// or ./spice.rc. Returns the ones that exist; call after chdir into the private directory and
// before changing HOME.
std::vector<std::string> present_startup_files();

}  // namespace spiceloop::worker
