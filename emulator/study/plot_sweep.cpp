#include "emulator/study/plot_sweep.hpp"

#include <cstdlib>
#include <vector>

#include "emulator/core/log.hpp"
#include "emulator/learning/plot.hpp"

namespace spiceloop::study {

namespace {
std::filesystem::path find_script() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("SPICELOOP_PLOT_SWEEP_SCRIPT")) return env;
  std::vector<fs::path> candidates = {fs::current_path() / "tools/plot_sweep.py"};
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec)
    for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path())
      candidates.push_back(dir / "tools/plot_sweep.py");
  for (const auto& c : candidates)
    if (fs::exists(c, ec)) return c;
  return {};
}
}  // namespace

bool plot_sweep(const std::filesystem::path& results_csv, const std::filesystem::path& out_dir,
                std::filesystem::path script) {
  if (script.empty()) script = find_script();
  if (script.empty()) {
    log::warn("tools/plot_sweep.py not found; no plots in {}", out_dir.string());
    return false;
  }
  // The training plotter's spawner runs `python3 SCRIPT ARG1 ARG2` without a shell.
  return plot_training(results_csv, out_dir, script);
}

}  // namespace spiceloop::study
