// The tasks' data files (netlists/digits.csv, netlists/iris.csv) through read_digits_csv and
// read_iris_csv: a typed InputError, or rows within the format's ranges (pixels 0..16, digits
// 0..9, three species, finite Iris measurements).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "emulator/learning/tasks/task.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace sl = spiceloop;

namespace {
[[noreturn]] void out_of_range(const char* what) {
  std::fprintf(stderr, "FINDING: %s row out of range\n", what);
  std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::Scratch::get().write(".", data, size);
  fuzz::expect_typed_errors("digits csv", [&] {
    for (const sl::tasks::DigitsRow& r : sl::tasks::read_digits_csv(path)) {
      if (r.label < 0 || r.label > 9) out_of_range("digits");
      for (std::uint8_t p : r.pixels)
        if (p > 16) out_of_range("digits");
    }
  });
  fuzz::expect_typed_errors("iris csv", [&] {
    for (const sl::tasks::IrisRow& r : sl::tasks::read_iris_csv(path)) {
      if (r.label < 0 || r.label > 2) out_of_range("iris");
      for (double f : r.features)
        if (!std::isfinite(f)) out_of_range("iris");
    }
  });
  return 0;
}
