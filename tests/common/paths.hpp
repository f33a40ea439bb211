// Where the tests find the repository's files and the built programs. The two directories are
// compiled into paths.cpp alone, so every other test object is the same from any checkout and a
// build elsewhere reuses it (ccache).
#pragma once

#include <filesystem>
#include <string>

namespace spiceloop::test {

std::filesystem::path source_dir();  // the repository root
std::filesystem::path binary_dir();  // the build directory: spiceloop, the ngspice worker

// A bundled file under netlists/, e.g. bundled("lab16.json"), bundled("benches/lab16.json").
inline std::string bundled(const std::string& relative) { return (source_dir() / "netlists" / relative).string(); }
inline std::string bench_file(const std::string& name) { return bundled("benches/" + name); }
inline std::string experiment_file(const std::string& name) { return bundled("experiments/" + name); }

inline std::string spiceloop_binary() { return (binary_dir() / "spiceloop").string(); }

}  // namespace spiceloop::test
