// One line of DIR/results.csv per sweep point: the point's axes, then its measurements
// (measure.hpp). Numbers are written with {:.17g} (exact, locale-free), so the same point gives
// the same bytes in any process: the MPI gather and a resumed run reproduce one file exactly.
#pragma once

#include <string>
#include <vector>

#include "emulator/study/measure.hpp"
#include "emulator/study/sweep_spec.hpp"

namespace spiceloop::study {

const std::vector<std::string>& result_columns();
std::string results_header();  // comma-separated column names, no newline

// The row without a newline.
std::string format_row(const SweepSpec& spec, const SweepPoint& point, const PointResult& result);

}  // namespace spiceloop::study
