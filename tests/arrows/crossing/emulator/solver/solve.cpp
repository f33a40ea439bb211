#include <Eigen/Dense>
#include "emulator/core/error.hpp"
#include "emulator/network/network.hpp"
