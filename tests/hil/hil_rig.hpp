// Shared by the HIL tests: the whole emulated lab table (standins::Lab) served in-process on free
// ports of 127.0.0.1 with its addresses file in a scratch folder, as `spiceloop serve` runs it, and
// short training runs through any Simulator.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "drivers/standins/lab/lab.hpp"
#include "emulator/bench/bench_config.hpp"
#include "emulator/learning/config.hpp"
#include "emulator/learning/trainer.hpp"
#include "emulator/network/load.hpp"

namespace hil_test {

namespace fs = std::filesystem;
using namespace spiceloop;

inline std::string source_dir() { return SPICELOOP_SOURCE_DIR; }
inline std::string bundled(const std::string& name) { return source_dir() + "/netlists/" + name; }

struct Scratch {
  explicit Scratch(const std::string& name)
      : dir(fs::temp_directory_path() / ("spiceloop_hil_" + name + "_" + std::to_string(::getpid()))) {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~Scratch() { fs::remove_all(dir); }
  fs::path dir;
};

inline void write_json(const fs::path& file, const nlohmann::json& j) { std::ofstream(file) << j.dump(2) << "\n"; }
inline nlohmann::json read_json(const fs::path& file) {
  std::ifstream in(file);
  return nlohmann::json::parse(in);
}

// The lab on its own simulator; addresses written to <dir>/addresses.json.
struct LabRig {
  LabRig(const std::string& bench_file, std::unique_ptr<Simulator> simulator, const fs::path& dir)
      : sim(std::move(simulator)),
        lab(load_bench_file(bench_file), *sim, standins::LabOptions{.pty = false}),
        addresses(dir / "addresses.json") {
    lab.start();
    write_json(addresses, lab.addresses_json(bench_file));
  }
  std::string address(const std::string& name) const {
    for (const auto& a : lab.addresses())
      if (a.name == name) return a.address;
    return {};
  }

  std::unique_ptr<Simulator> sim;
  standins::Lab lab;
  fs::path addresses;
};

// An experiment file of the repository with some keys replaced (epochs, rule, ...).
inline TrainConfig experiment(const std::string& name, const nlohmann::json& overrides) {
  const fs::path file = bundled("experiments/" + name);
  nlohmann::json doc = read_json(file);
  doc.merge_patch(overrides);
  return parse_train_config(doc, file.parent_path(), file.string());
}

inline std::vector<int> codes_of(const Network& net) {
  std::vector<int> c;
  for (const Edge& e : net.edges) c.push_back(e.code);
  return c;
}

// Every step of the run, no files; returns the trained network.
inline Network train(const TrainConfig& config, Simulator& sim) {
  Trainer t(config, resolve_network(config), sim);
  while (!t.done()) t.step();
  return t.network();
}

}  // namespace hil_test
