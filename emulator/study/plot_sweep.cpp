#include "emulator/study/plot_sweep.hpp"

#include "emulator/core/log.hpp"
#include "emulator/core/plot_script.hpp"

namespace spiceloop::study {

bool plot_sweep(const std::filesystem::path& results_csv, const std::filesystem::path& out_dir,
                std::filesystem::path script) {
  if (script.empty()) script = find_plot_script("plot_sweep.py", "SPICELOOP_PLOT_SWEEP_SCRIPT");
  if (script.empty()) {
    log::warn("tools/plot_sweep.py not found; no plots in {}", out_dir.string());
    return false;
  }
  return run_plot_script(script, {results_csv.string(), out_dir.string()}, "the plots in " + out_dir.string());
}

}  // namespace spiceloop::study
