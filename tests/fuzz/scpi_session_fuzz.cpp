// A whole instrument session: bytes through scpi::Session (framer, processor, bounded output) into
// the real stand-ins (source, scanner, digipot bank, learning network, SMU) on one Bench of the
// ideal solver, as a socket would feed them. Nothing escapes the session, the output stays within
// its bound, and after any input the instrument still answers *IDN? on a new connection (on this
// one an unfinished block may rightly swallow it).
// Input: byte 0 picks the instrument, the rest is the stream, fed in pieces cut at byte 1's rhythm.
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "drivers/scpi/session.hpp"
#include "drivers/standins/digipot/digipot_bank.hpp"
#include "drivers/standins/learning_network/learning_network.hpp"
#include "drivers/standins/scanner/scanner.hpp"
#include "drivers/standins/smu/smu.hpp"
#include "drivers/standins/source/source.hpp"
#include "emulator/bench/bench_config.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace sl = spiceloop;
namespace scpi = spiceloop::scpi;

namespace {

const sl::BenchConfig& bench_config(bool smu) {
  static const sl::BenchConfig hil = sl::load_bench_file(std::string(SPICELOOP_SOURCE_DIR) + "/netlists/benches/lab16_hil.json");
  static const sl::BenchConfig with_smu = sl::load_bench_file(std::string(SPICELOOP_SOURCE_DIR) + "/netlists/benches/lab16_smu.json");
  return smu ? with_smu : hil;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  fuzz::Scratch::get();  // silences the log
  const int which = data[0] % 5;
  sl::IdealSimulator sim;
  sl::Bench bench(bench_config(which == 4), sim);
  // A learning clock of 100,000 cycles is legal and slow; a few exercise the same code.
  sl::standins::LearningNetworkOptions network_options;
  network_options.max_clocks = 3;
  std::unique_ptr<sl::standins::Source> source;
  std::unique_ptr<sl::standins::Scanner> scanner;
  std::unique_ptr<sl::standins::DigipotBank> digipots;
  std::unique_ptr<sl::standins::LearningNetwork> network;
  std::unique_ptr<sl::standins::Smu> smu;
  scpi::CommandTree* tree = nullptr;
  scpi::Status* status = nullptr;
  switch (which) {
    case 0: source = std::make_unique<sl::standins::Source>(bench); tree = &source->tree(); status = &source->status(); break;
    case 1: scanner = std::make_unique<sl::standins::Scanner>(bench); tree = &scanner->tree(); status = &scanner->status(); break;
    case 2: digipots = std::make_unique<sl::standins::DigipotBank>(bench); tree = &digipots->tree(); status = &digipots->status(); break;
    case 3: network = std::make_unique<sl::standins::LearningNetwork>(bench, network_options); tree = &network->tree(); status = &network->status(); break;
    default: smu = std::make_unique<sl::standins::Smu>(bench); tree = &smu->tree(); status = &smu->status(); break;
  }
  scpi::SessionLimits limits;
  limits.max_line_bytes = 4096;
  limits.max_output_bytes = 64 * 1024;
  scpi::Session session(*tree, *status, limits);
  const std::string bytes = fuzz::text_of(data + 2, size - 2);
  const std::size_t rhythm = 1 + data[1] % 64;
  for (std::size_t at = 0; at < bytes.size(); at += rhythm) {
    session.feed(std::string_view(bytes).substr(at, rhythm));
    if (session.pending_output_bytes() > limits.max_output_bytes) std::abort();
    session.take_output();
  }
  scpi::Session next(*tree, *status, limits);
  next.feed("*IDN?\n");
  const std::string out = next.take_output();
  if (out.size() < 2 || out.back() != '\n') std::abort();
  if (status->errors().size() > 20) std::abort();
  return 0;
}
