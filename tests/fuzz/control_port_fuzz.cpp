// The control port's JSON lines on any bytes, against the lab16_hil bench on the ideal solver with
// an instrument port beside it: feed() never throws, every non-blank line gets one JSON answer
// line ({"ok":...}), and the output stays within its bound. The group is made once (binding ports
// per run would exhaust them) and runs its io thread, so drops and resumes are carried out.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mutex>

#include "drivers/server/server_group.hpp"
#include "drivers/standins/control/control_port.hpp"
#include "drivers/standins/source/source.hpp"
#include "emulator/bench/bench_config.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace sl = spiceloop;

namespace {

struct Rig {
  sl::IdealSimulator sim;
  sl::Bench bench{sl::load_bench_file(std::string(SPICELOOP_SOURCE_DIR) + "/netlists/benches/lab16_hil.json"), sim};
  std::shared_ptr<std::mutex> bench_mutex = std::make_shared<std::mutex>();
  sl::standins::Source source{bench};
  sl::server::ServerGroup group;
  Rig() {
    group.add("source", source.tree(), source.status(), bench_mutex);
    sl::standins::add_control_port(group, bench, *bench_mutex, 0);
    group.start();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Scratch::get();
  static Rig* rig = new Rig;  // lives for the process; never destroyed while the io thread runs
  sl::standins::ControlLimits limits;
  limits.max_line_bytes = 4096;
  limits.max_output_bytes = 256 * 1024;
  sl::standins::ControlPort port(rig->bench, rig->group, *rig->bench_mutex, limits);
  try {
    port.feed(fuzz::text_of(data, size));
  } catch (const std::exception& e) {
    fuzz::finding("ControlPort::feed", &e);
  }
  const std::string out = port.take_output();
  if (out.size() > limits.max_output_bytes + 512) std::abort();
  std::size_t at = 0;
  while (at < out.size()) {
    const std::size_t nl = out.find('\n', at);
    if (nl == std::string::npos) std::abort();
    const auto answer = nlohmann::json::parse(out.begin() + static_cast<long>(at), out.begin() + static_cast<long>(nl),
                                              nullptr, false);
    if (answer.is_discarded() || !answer.is_object() || !answer.contains("ok")) std::abort();
    at = nl + 1;
  }
  return 0;
}
