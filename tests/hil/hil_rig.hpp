// Shared by the HIL tests: the whole emulated lab table (standins::Lab) served in-process on free
// ports of 127.0.0.1 with its addresses file in a scratch folder, as `spiceloop serve` runs it, and
// short training runs through any Simulator.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "drivers/standins/lab/lab.hpp"
#include "emulator/bench/bench_config.hpp"
#include "emulator/learning/config.hpp"
#include "emulator/learning/trainer.hpp"
#include "emulator/network/load.hpp"
#include "tests/common/files.hpp"
#include "tests/common/paths.hpp"

namespace hil_test {

namespace fs = std::filesystem;
using namespace spiceloop;

using test::bundled;
using test::read_json;
using test::write_json;
using test::ScratchDir;

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
