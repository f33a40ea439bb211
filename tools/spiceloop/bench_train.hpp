// spiceloop bench train: CL steps per second on the 16-edge lab network and on crossbars, on both
// backends, with the ngspice/ideal ratio and each step's cost against its two bare solves.
#pragma once

#include <CLI/CLI.hpp>

namespace spiceloop::cli {

void add_bench_train(CLI::App& bench);

}  // namespace spiceloop::cli
