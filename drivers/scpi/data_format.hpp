#pragma once
// FORMat[:DATA] ASCii|REAL[,64] and FORMat:BORDer NORMal|SWAPped, which decide how bulk readings
// answer: ASCII as comma-separated NR3, or one REAL,64 block (big-endian unless SWAPped).
// Queries answer `ASC` / `REAL,+64` and `NORM` / `SWAP`. The handlers reference `format`,
// which must outlive the tree; *RST should reset it to DataFormat{}.
#include <span>
#include <string>

#include "drivers/scpi/command_tree.hpp"
#include "drivers/scpi/response.hpp"

namespace spiceloop::scpi {

struct DataFormat {
  bool binary = false;
  ByteOrder order = ByteOrder::Normal;
};

void add_format_commands(CommandTree& tree, DataFormat& format);
std::string format_readings(std::span<const double> values, const DataFormat& format);

}  // namespace spiceloop::scpi
