// Shared by the study tests: sweeps built in memory on random linear networks, run into a fresh
// temporary directory on the ideal backend (or ngspice where a test says so).
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "emulator/study/sweep.hpp"
#include "tools/spiceloop/make_simulator.hpp"

namespace spiceloop::study::testing {

inline nlohmann::json random_network(int seed, int nodes = 10, int edges = 20) {
  return {{"generator", "random"}, {"name", "rand" + std::to_string(seed)}, {"nodes", nodes}, {"edges", edges},
          {"inputs", 3}, {"outputs", 2}, {"seed", static_cast<std::uint64_t>(seed)},
          {"edge", {{"kind", "resistor"}, {"ohms", {{"min", 1000}, {"max", 100000}}}}}};
}

inline std::filesystem::path fresh_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("spiceloop_study_" + name);
  std::filesystem::remove_all(dir);
  return dir;
}

// The study's factory, through the command's one make_simulator.
inline std::unique_ptr<Simulator> make_backend(const std::string& backend, const SolverOptions& tolerances) {
  return cli::make_simulator({backend, tolerances, {}});
}

// A quiet run into out_dir: no plots, no progress.
inline SweepOptions quiet_options(const std::filesystem::path& out_dir) {
  SweepOptions opt;
  opt.out_dir = out_dir;
  opt.factory = make_backend;
  opt.plot = false;
  opt.progress = false;
  return opt;
}

inline SweepOutcome run(const nlohmann::json& doc, const std::string& name) {
  return run_sweep(parse_sweep(doc), quiet_options(fresh_dir(name)));
}

}  // namespace spiceloop::study::testing
