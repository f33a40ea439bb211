#include "tools/spiceloop/perf.hpp"

#include <fmt/format.h>

#include "emulator/network/generators.hpp"

namespace spiceloop::cli {

void add_perf_options(CLI::App& cmd, PerfArgs& args) {
  cmd.add_option("--sizes", args.sizes, "Crossbar sizes N (N x N)")->delimiter(',')->capture_default_str();
  cmd.add_option("--budget", args.budget_seconds, "Seconds per measurement (at least 3 repetitions)")
      ->capture_default_str();
  cmd.add_flag("--json", args.json, "Print JSON for machines");
}

PerfCase crossbar_case(int n, double wire_ohms) {
  CrossbarOptions o;
  o.rows = o.columns = n;
  o.wire_ohms = wire_ohms;
  o.cell.low = 1e-5;
  o.cell.high = 1e-4;
  o.seed = 1;
  return {fmt::format("crossbar {}x{}{}", n, n, wire_ohms > 0 ? " +wires" : ""), make_crossbar(o)};
}

}  // namespace spiceloop::cli
