// DIR/loss.png from DIR/metrics.jsonl by tools/plot_training.py under /usr/bin/python3 (or
// python3 on PATH). A missing interpreter, script or matplotlib is a warning, never a failure:
// the plot is a convenience, the metrics are the result.
#pragma once

#include <filesystem>

namespace spiceloop {

// script empty: look for tools/plot_training.py beside the running executable's source tree
// (SPICELOOP_PLOT_SCRIPT, then ./tools, then the executable's ../tools and ../../tools).
// Returns true when the plot was written.
bool plot_training(const std::filesystem::path& metrics, const std::filesystem::path& png,
                   std::filesystem::path script = {});

}  // namespace spiceloop
