// A sweep's stored points (DIR/points/chunk-*.csv, emulator/study/point_store.hpp) through
// PointStore::load, as a resumed sweep reads them: a typed InputError (sweep.bad_points), or rows
// that each start with their own index.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "emulator/study/point_store.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fuzz::fs::path dir = fuzz::Scratch::get().root() / "points_run";
  fuzz::fs::create_directories(dir / "points");
  std::ofstream(dir / "points" / "chunk-0000000.csv", std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  fuzz::expect_typed_errors("point chunk", [&] {
    spiceloop::study::PointStore store(dir);
    store.load();
    for (std::int64_t i = 0; i < 64; ++i)
      if (const auto row = store.find(i); row && row->rfind(std::to_string(i) + ",", 0) != 0) {
        std::fprintf(stderr, "FINDING: stored row %lld does not start with its index\n", static_cast<long long>(i));
        std::abort();
      }
  });
  return 0;
}
