// The digipot board's plain line protocol (SET/INC/DEC/GET?/ALL?) on any bytes, over the digipot
// bank of the lab16_hil bench on the ideal solver: feed() never throws, every non-blank line gets
// one answer line (OK, a value, or ERR ...), output stays bounded, and the codes stay in range.
#include <cstdint>
#include <cstdlib>

#include "drivers/standins/digipot/digipot_bank.hpp"
#include "drivers/standins/digipot/line_protocol.hpp"
#include "emulator/bench/bench_config.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace sl = spiceloop;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const sl::BenchConfig config =
      sl::load_bench_file(std::string(SPICELOOP_SOURCE_DIR) + "/netlists/benches/lab16_hil.json");
  fuzz::Scratch::get();
  sl::IdealSimulator sim;
  sl::Bench bench(config, sim);
  sl::standins::DigipotBank bank(bench);
  sl::standins::DigipotLine line(bank.board());
  const std::string bytes = fuzz::text_of(data, size);
  const std::size_t rhythm = 1 + (size > 0 ? data[0] % 32 : 0);
  for (std::size_t at = 0; at < bytes.size(); at += rhythm) {
    try {
      line.feed(std::string_view(bytes).substr(at, rhythm));
    } catch (const std::exception& e) {
      fuzz::finding("DigipotLine::feed", &e);
    }
    const std::string out = line.take_output();
    if (out.size() > 64 * 1024 + 512) std::abort();
  }
  for (int channel : bank.board().channels()) {
    const int code = bench.digipot_code(channel);
    if (code < 0 || code >= bench.digipot_taps(channel)) std::abort();
  }
  return 0;
}
