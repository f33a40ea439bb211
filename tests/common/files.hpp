// Files in tests: whole files as text or JSON, and a scratch directory that a test owns.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace spiceloop::test {

inline std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline nlohmann::json read_json(const std::filesystem::path& file) {
  std::ifstream in(file);
  return nlohmann::json::parse(in);
}

inline void write_json(const std::filesystem::path& file, const nlohmann::json& j) {
  std::ofstream(file) << j.dump(2) << "\n";
}

// A fresh, empty directory of the temp directory, named after the test and the process (ctest
// runs test cases in parallel processes), removed with everything in it at scope exit.
struct ScratchDir {
  explicit ScratchDir(const std::string& name)
      : dir(std::filesystem::temp_directory_path() / ("spiceloop_" + name + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::filesystem::path dir;
};

}  // namespace spiceloop::test
