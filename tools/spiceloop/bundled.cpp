#include "tools/spiceloop/bundled.hpp"

#include "emulator/core/error.hpp"

namespace spiceloop::cli {

std::filesystem::path bundled_file(const std::filesystem::path& relative) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec)
    for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path())
      if (fs::exists(dir / relative)) return dir / relative;
  const fs::path built = fs::path(SPICELOOP_SOURCE_DIR) / relative;
  if (fs::exists(built)) return built;
  throw InputError("cli.missing_bundled", relative.string(), "a bundled file is missing from this installation");
}

}  // namespace spiceloop::cli
