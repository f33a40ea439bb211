// Checkpoint restore as `spiceloop train --resume` performs it: read_checkpoint on the file, the
// trainer of the bundled experiment its hash names (on the ideal solver), restore (which checks
// every field against the experiment), then the next steps. A damaged checkpoint must end in a
// typed error before any step, never in a crash or a wrong index.
// Input: one flag byte, then the file. Flag bit 0 set: the harness recomputes the "digest" of a
// text that parses as JSON before writing it, so that mutations reach the field checks behind the
// digest check (blind fuzzing never gets past a digest); clear: the bytes are written as they are,
// and the digest check itself is fuzzed. The seeds are real checkpoints written by `spiceloop
// train` (tests/fuzz/make_seeds.py), of every bundled experiment, transistor networks included.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/learning/config.hpp"
#include "emulator/learning/run/checkpoint.hpp"
#include "emulator/learning/trainer.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "tests/common/checkpoint_digest.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace sl = spiceloop;

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  if (size < 1 || max_size < 2) return LLVMFuzzerMutate(data, size, max_size);
  // Keep the flag byte; the JSON mutator works on the file behind it.
  return 1 + fuzz::json_mutate(data + 1, size - 1, max_size - 1, seed);
}

namespace {

struct Experiment {
  sl::TrainConfig config;
  sl::Network network;
  std::string fingerprint;
};

// Every bundled experiment (a new one is fuzzed without an edit here).
const std::vector<Experiment>& experiments() {
  static const std::vector<Experiment> list = [] {
    std::vector<std::filesystem::path> files;
    for (const auto& entry :
         std::filesystem::directory_iterator(std::filesystem::path(SPICELOOP_SOURCE_DIR) / "netlists" / "experiments"))
      if (entry.path().extension() == ".json") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::vector<Experiment> out;
    for (const auto& file : files) {
      Experiment e;
      e.config = sl::load_train_config_file(file.string());
      e.network = sl::resolve_network(e.config);
      sl::IdealSimulator sim;
      e.fingerprint = sl::Trainer(e.config, e.network, sim).fingerprint();
      out.push_back(std::move(e));
    }
    return out;
  }();
  return list;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string text = fuzz::text_of(data + 1, size - 1);
  if (data[0] & 1) {
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_discarded() && j.is_object()) {
      sl::test::redigest(j);
      text = j.dump();
    }
  }
  const std::string path = fuzz::Scratch::get().write("experiments", reinterpret_cast<const uint8_t*>(text.data()), text.size());
  const auto& list = experiments();
  fuzz::expect_typed_errors("checkpoint", [&] {
    const sl::Checkpoint c = sl::read_checkpoint(path);
    const Experiment* e = &list.front();
    for (const Experiment& x : list)
      if (x.fingerprint == c.hash) e = &x;
    sl::IdealSimulator sim;
    sl::Trainer trainer(e->config, e->network, sim);
    trainer.restore(c);
    for (int i = 0; i < 2 && !trainer.done(); ++i) trainer.step();
  });
  return 0;
}
