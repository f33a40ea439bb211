// Network files (netlists/README.md) through load_network_file: a typed InputError or a network
// that writes back (network_to_text) to a document that loads to the same text again.
#include <cstdint>
#include <cstdlib>

#include "emulator/network/load.hpp"
#include "tests/fuzz/fuzz_support.hpp"

SPICELOOP_FUZZ_JSON_MUTATOR

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::Scratch::get().write(".", data, size);
  fuzz::expect_typed_errors("network", [&] {
    const spiceloop::Network net = spiceloop::load_network_file(path);
    const std::string text = spiceloop::network_to_text(net);
    const spiceloop::Network again = spiceloop::parse_network_text(text, "roundtrip");
    if (spiceloop::network_to_text(again) != text) {
      std::fprintf(stderr, "FINDING: network does not reload to the same text\n");
      std::abort();
    }
  });
  return 0;
}
