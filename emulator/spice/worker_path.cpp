#include "emulator/spice/worker_path.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace spiceloop {

std::string ngspice_worker_path() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("SPICELOOP_NGSPICE_WORKER"); env && *env) return env;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path beside = self.parent_path() / "spiceloop-ngspice-worker";
    if (fs::exists(beside, ec)) return beside.string();
  }
  return SPICELOOP_WORKER_DEFAULT;
}

}  // namespace spiceloop
