// Experiment files (emulator/learning/config.hpp) through load_train_config_file, then what
// `spiceloop train` does before the first solve: resolve the network, check it against the config,
// and build the trainer (data set, updater) on the ideal solver. A typed error or a trainer.
#include <cstdint>
#include <cstdlib>

#include "emulator/learning/config.hpp"
#include "emulator/learning/trainer.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "tests/fuzz/fuzz_support.hpp"

SPICELOOP_FUZZ_JSON_MUTATOR

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::Scratch::get().write("experiments", data, size);
  fuzz::expect_typed_errors("experiment", [&] {
    const spiceloop::TrainConfig config = spiceloop::load_train_config_file(path);
    spiceloop::Network net = spiceloop::resolve_network(config);
    spiceloop::validate_against_network(config, net);
    spiceloop::IdealSimulator sim;
    spiceloop::Trainer trainer(config, std::move(net), sim);
  });
  return 0;
}
