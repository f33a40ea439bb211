// spiceloop bench scpi: query round trips to the instrument stand-ins on loopback (median, p99,
// queries per second) for *IDN?, a 64-channel scan and a digipot write, 64 clients at once, and
// hardware-in-the-loop training steps per second against the in-process run.
#pragma once

#include <CLI/CLI.hpp>

namespace spiceloop::cli {

void add_bench_scpi(CLI::App& bench);

}  // namespace spiceloop::cli
