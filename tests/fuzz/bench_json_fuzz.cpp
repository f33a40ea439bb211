// Bench files (drivers/standins/README.md) through load_bench_file, then the Bench on the ideal
// solver as `spiceloop serve` builds it. A typed error or a bench.
#include <cstdint>
#include <cstdlib>

#include "emulator/bench/bench.hpp"
#include "emulator/bench/bench_config.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "tests/fuzz/fuzz_support.hpp"

SPICELOOP_FUZZ_JSON_MUTATOR

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::Scratch::get().write("benches", data, size);
  fuzz::expect_typed_errors("bench", [&] {
    spiceloop::BenchConfig config = spiceloop::load_bench_file(path);
    spiceloop::IdealSimulator sim;
    spiceloop::Bench bench(std::move(config), sim);
  });
  return 0;
}
