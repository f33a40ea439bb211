// Input checks the ngspice backend makes in the parent, before anything reaches the worker.
// Names are the only text that ends up in a deck or command, so they must be plain identifiers
// ([A-Za-z_][A-Za-z0-9_]{0,63}), unique up to case (SPICE is case-insensitive). Values must be
// ones ngspice takes literally (it turns R = 0 into 1 mOhm and 1e400 into an open circuit).
// Every failure is an InputError: ids spice.bad_name, spice.bad_network, spice.bad_value,
// spice.drive_size.
#pragma once

#include <span>

#include "emulator/network/network.hpp"
#include "emulator/sim/simulator.hpp"

namespace spiceloop {

bool is_plain_identifier(const std::string& name);

void check_network_for_spice(const Network& net);
void check_conductances_for_spice(const Network& net, std::span<const double> siemens);
void check_drive_for_spice(const Network& net, const Drive& drive);

}  // namespace spiceloop
