// Shared by the stand-in tests: the lab16 bench on an ideal solver, a source on it, and a session
// that talks to the source exactly as a socket would.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "drivers/scpi/session.hpp"
#include "drivers/standins/source/source.hpp"
#include "emulator/bench/bench.hpp"
#include "emulator/bench/bench_config.hpp"
#include "tests/common/drives.hpp"
#include "tests/common/paths.hpp"

namespace standins_test {

inline std::string bench_path(std::string_view name) { return spiceloop::test::bench_file(std::string(name)); }

// One line in, the answer without its terminator ("" for commands).
inline std::string ask(spiceloop::scpi::Session& session, std::string_view line) {
  session.feed(std::string(line) + "\n");
  std::string out = session.take_output();
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

inline std::vector<double> numbers(const std::string& answer) {
  std::vector<double> out;
  std::size_t start = 0;
  while (start <= answer.size()) {
    const std::size_t comma = answer.find(',', start);
    out.push_back(std::stod(answer.substr(start, comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

using spiceloop::test::free_drive;

// A source on a bench on a simulator, with one connection.
struct SourceRig {
  explicit SourceRig(spiceloop::Simulator& sim, std::string_view bench = "lab16.json")
      : bench(spiceloop::load_bench_file(bench_path(bench)), sim), source(this->bench), session(source.tree(), source.status()) {}

  std::string operator()(std::string_view line) { return ask(session, line); }

  spiceloop::Bench bench;
  spiceloop::standins::Source source;
  spiceloop::scpi::Session session;
};

}  // namespace standins_test
