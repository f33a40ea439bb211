// The SCPI program-data lexer on any text: it returns typed parameters or throws scpi::Error (a
// SCPI error code), never anything else; it stops at a `;` or the end and makes progress; channel
// lists stay within max_channels; skip_unit always moves forward to a `;` or the end.
#include <cstdint>
#include <cstdlib>

#include "drivers/scpi/error.hpp"
#include "drivers/scpi/parameters.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace scpi = spiceloop::scpi;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = fuzz::text_of(data, size);
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t before = pos;
    try {
      const auto params = scpi::lex_parameters(text, pos);
      for (const auto& p : params)
        if (p.channels.size() > scpi::max_channels) std::abort();
      if (pos < text.size() && text[pos] != ';') std::abort();
    } catch (const scpi::Error&) {
      pos = scpi::skip_unit(text, before);
      if (pos < before || (pos < text.size() && text[pos] != ';')) std::abort();
    } catch (const std::exception& e) {
      fuzz::finding("lex_parameters", &e);
    }
    if (pos < text.size()) ++pos;  // over the ';'
    if (pos <= before) std::abort();
  }
  return 0;
}
