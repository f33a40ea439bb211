// What only the ngspice backend needs, checked in the parent before anything reaches the worker,
// after Simulator's checks of every backend (emulator/sim/drive_checks.hpp: sizes, finite values,
// the boundary, phases). Names are the only text that ends up in a deck or command, so they must be
// plain identifiers ([A-Za-z_][A-Za-z0-9_]{0,63}), unique up to case (SPICE is case-insensitive).
// Values must be ones ngspice takes literally (it turns R = 0 into 1 mOhm and 1e400 into an open
// circuit), so conductances must be positive with a finite reciprocal, where the ideal solver takes
// 0 as an open edge. Networks of more than kMaxSpiceNodes nodes are refused (spice.too_large). Every
// failure is an InputError: ids spice.bad_name, spice.bad_network, spice.too_large,
// spice.bad_value.
#pragma once

#include <span>

#include "emulator/network/network.hpp"

namespace spiceloop {

bool is_plain_identifier(const std::string& name);

// The most nodes a network may have on ngspice (a wired 64 x 64 crossbar has 8,193; a wired
// 128 x 128 one, 32,769, is refused up front rather than by the worker's reply timeout).
inline constexpr int kMaxSpiceNodes = 16'384;

void check_network_for_spice(const Network& net);
void check_conductances_for_spice(const Network& net, std::span<const double> siemens);

}  // namespace spiceloop
