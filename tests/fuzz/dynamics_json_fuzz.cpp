// Experiments with a "dynamics" section (emulator/dynamics/spec.hpp) through what `spiceloop
// transient` does before it simulates: the experiment, its network and data set, the dynamics
// section, the machine's waveforms and its deck. A typed error or a deck.
#include <cstdint>
#include <cstdlib>

#include "emulator/dynamics/machine.hpp"
#include "emulator/dynamics/spice_run.hpp"
#include "emulator/learning/config.hpp"
#include "tests/fuzz/fuzz_support.hpp"

SPICELOOP_FUZZ_JSON_MUTATOR

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::Scratch::get().write("experiments", data, size);
  fuzz::expect_typed_errors("dynamics", [&] {
    const spiceloop::Machine m = spiceloop::plan_machine(spiceloop::load_train_config_file(path));
    if (m.periods <= 10'000) (void)spiceloop::machine_deck(m);  // a deck of a million periods is slow, not wrong
  });
  return 0;
}
