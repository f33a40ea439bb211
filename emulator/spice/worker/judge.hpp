// Judging an ngspice step by what it printed, since its return codes lie (DESIGN.md): a singular
// matrix, a failed gmin/source stepping, a fallback to transient op and an unparsed netlist all
// return 0. Conservative on purpose: any warning fails the solve; the ideal backend is the
// reference, so a doubtful ngspice answer is worth an error, not a number.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spiceloop::worker {

bool is_failure_line(std::string_view line);

// The first failure line among lines, if any.
std::optional<std::string> first_failure(const std::vector<std::string>& lines);

}  // namespace spiceloop::worker
