// The lab board's semicolon protocol (drivers/standins/board/board_line.hpp) on any bytes, over the
// stepped transistor machine on clln4x4 (ideal solver): feed() never throws, output stays bounded,
// every answer line is one of the protocol's forms, and the gates stay within their bounds.
#include <cstdint>
#include <cstdlib>

#include "drivers/standins/board/board_line.hpp"
#include "emulator/bench/board_machine.hpp"
#include "emulator/network/load.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace sl = spiceloop;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const sl::Network net = sl::load_network_file(std::string(SPICELOOP_SOURCE_DIR) + "/netlists/clln4x4.json");
  fuzz::Scratch::get();
  sl::IdealSimulator sim;
  sl::SteppedBoardMachine machine(net, sim);
  sl::standins::BoardSettings settings(machine);
  sl::standins::BoardLineOptions options;
  options.max_steps = 20;  // a RUN stays cheap enough to fuzz
  options.max_output_bytes = 256 * 1024;
  sl::standins::BoardLine line(machine, settings, options);
  const std::string bytes = fuzz::text_of(data, size);
  const std::size_t rhythm = 1 + (size > 0 ? data[0] % 32 : 0);
  for (std::size_t at = 0; at < bytes.size(); at += rhythm) {
    try {
      line.feed(std::string_view(bytes).substr(at, rhythm));
    } catch (const std::exception& e) {
      fuzz::finding("BoardLine::feed", &e);
    }
    const std::string out = line.take_output();
    if (out.size() > options.max_output_bytes) std::abort();
    std::size_t start = 0;
    while (start < out.size()) {
      const std::size_t end = out.find("\r\n", start);
      if (end == std::string::npos) std::abort();  // every answer is a whole line
      const std::string_view l = std::string_view(out).substr(start, end - start);
      const bool known = l == "Invalid Data Codon..." || l == "Aborting experiment." ||
                         (l.size() > 10 && l.substr(l.size() - 10) == " recieved!") || (!l.empty() && l.back() == ';');
      if (!known) std::abort();
      start = end + 2;
    }
  }
  const std::vector<double> g = machine.gates();
  const std::vector<std::size_t> edges = sl::gate_edges(net);
  for (std::size_t i = 0; i < g.size(); ++i) {
    const sl::Edge& e = net.edges[edges[i]];
    if (!(g[i] >= e.min_gate_volts && g[i] <= e.max_gate_volts)) std::abort();
  }
  return 0;
}
