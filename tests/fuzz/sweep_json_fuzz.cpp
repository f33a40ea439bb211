// Sweep files (README.md, "SWEEP.json") through load_sweep_file, then the grid `spiceloop sweep`
// expands from it. A typed error or a grid.
#include <cstdint>
#include <cstdlib>

#include "emulator/study/sweep_spec.hpp"
#include "tests/fuzz/fuzz_support.hpp"

SPICELOOP_FUZZ_JSON_MUTATOR

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::Scratch::get().write("sweeps", data, size);
  fuzz::expect_typed_errors("sweep", [&] {
    const spiceloop::study::SweepSpec spec = spiceloop::study::load_sweep_file(path);
    (void)spiceloop::study::expand_grid(spec);
  });
  return 0;
}
