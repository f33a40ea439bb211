#pragma once
#include "emulator/core/error.hpp"
