// Plots are drawn by Python scripts in tools/ (matplotlib) run under /usr/bin/python3 (or python3
// on PATH), spawned with an argument vector, never a shell. A missing interpreter, script or
// matplotlib is a warning, never a failure: a plot is a convenience, the data files are the result.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace spiceloop {

// Where tools/<name> is: $<env_override> if set, else ./tools/<name>, else tools/<name> in the
// running executable's folder or any folder above it (a build tree inside the source tree).
// Empty when none exists.
std::filesystem::path find_plot_script(const std::string& name, const char* env_override);

// Runs `python3 SCRIPT ARGS...` and waits. `what` names the output in warnings. True on exit 0.
bool run_plot_script(const std::filesystem::path& script, const std::vector<std::string>& args,
                     const std::string& what);

}  // namespace spiceloop
