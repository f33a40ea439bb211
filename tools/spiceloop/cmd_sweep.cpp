// spiceloop sweep: filled in with emulator/study.
#include "tools/spiceloop/commands.hpp"

namespace spiceloop::cli {

void add_sweep(CLI::App& app) { app.add_subcommand("sweep", "Finite-nudging sweep (coming with the study module)"); }

}  // namespace spiceloop::cli
