// One program message through the SCPI processor (header parsing, relative paths, parameters,
// unit and number conversions, the common commands) on the demo source of tests/scpi: execute()
// never throws, an answer is empty or ends in "\n", and the error queue stays within 20 entries.
#include <cstdint>
#include <cstdlib>

#include "drivers/scpi/processor.hpp"
#include "tests/fuzz/fuzz_support.hpp"
#include "tests/scpi/demo_instrument.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  demo::DemoSource d;
  spiceloop::scpi::Processor processor(d.tree, d.status);
  const std::string answer = processor.execute(fuzz::text_of(data, size));
  if (!answer.empty() && answer.back() != '\n') std::abort();
  if (d.status.errors().size() > 20) std::abort();
  return 0;
}
