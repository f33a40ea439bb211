#include "tests/common/paths.hpp"

namespace spiceloop::test {

std::filesystem::path source_dir() { return SPICELOOP_SOURCE_DIR; }
std::filesystem::path binary_dir() { return SPICELOOP_BINARY_DIR; }

}  // namespace spiceloop::test
