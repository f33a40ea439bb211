// Judging an ngspice step by what it printed, since its return codes lie (DESIGN.md): a singular
// matrix, a failed gmin/source stepping, a fallback to transient op and an unparsed netlist all
// return 0. Conservative on purpose: any warning fails the solve; the ideal backend is the
// reference, so a doubtful ngspice answer is worth an error, not a number.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/network/network.hpp"

namespace spiceloop::worker {

bool is_failure_line(std::string_view line);

// The first failure line among lines, if any.
std::optional<std::string> first_failure(const std::vector<std::string>& lines);

// What ngspice blamed, in the network's own names: a node of "check node n_x" (with the edges
// that join it, since a node is singular when every one of them is cut off) and an element of
// "trouble with ...-instance m_m1" (its edge); "" when no line names either. For example
// "node 'x' (edges 'm1', 'm2'); edge 'm1' (transistor)".
std::string blamed(const Network& net, const std::vector<std::string>& lines);

}  // namespace spiceloop::worker
