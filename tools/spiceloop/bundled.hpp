// Files shipped in netlists/, found from the executable (build/ sits in the source tree) or else in
// the source tree this binary was built from.
#pragma once

#include <filesystem>
#include <string>

namespace spiceloop::cli {

// Throws InputError "cli.missing_bundled" naming the file when it is nowhere.
std::filesystem::path bundled_file(const std::filesystem::path& relative);

}  // namespace spiceloop::cli
