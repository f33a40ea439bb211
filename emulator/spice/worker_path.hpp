// Where the ngspice worker executable lives: $SPICELOOP_NGSPICE_WORKER if set, else beside the
// running executable, else the build directory this library was compiled for.
#pragma once

#include <string>

namespace spiceloop {

std::string ngspice_worker_path();

}  // namespace spiceloop
