// DIR/*.png from DIR/results.csv by tools/plot_sweep.py (python3 + matplotlib). A missing script,
// interpreter or matplotlib is a warning: the CSV and the fits are the result, the plots a view.
#pragma once

#include <filesystem>

namespace spiceloop::study {

// script empty: SPICELOOP_PLOT_SWEEP_SCRIPT, then ./tools, then beside the executable (build/..).
bool plot_sweep(const std::filesystem::path& results_csv, const std::filesystem::path& out_dir,
                std::filesystem::path script = {});

}  // namespace spiceloop::study
