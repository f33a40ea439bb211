#pragma once
// Where the panel draws each node of a network: a deterministic function of the network alone, so
// a page reloaded, or opened twice, shows the same picture.
//   lattice   every node named n<x>_<y> (the lattice generator, the ground among them): the grid.
//   crossbar  the crossbar generator's names (rows r<i>, columns c<j>, cells x<i>_<j>; with wires
//             r<i>_<j>, c<i>_<j>): rows left to right, columns top to bottom, each cell where its
//             row and column cross; an ideal-line cell is drawn there as a square (cell_at).
//   layers    anything else: columns by hop distance from the inputs (outputs in the last one),
//             nodes within a column in file order, the ground below the middle.
// Units are grid steps; y grows downwards (screen order).
#include <optional>
#include <string>
#include <vector>

#include "emulator/network/network.hpp"

namespace spiceloop::panel {

struct Point {
  double x = 0.0, y = 0.0;
};

struct Layout {
  std::string kind;                        // "lattice", "crossbar" or "layers"
  std::vector<Point> nodes;                // per node
  std::vector<std::optional<Point>> cells; // per edge: drawn as a square there instead of a line
};

Layout layout_network(const Network& net);

}  // namespace spiceloop::panel
