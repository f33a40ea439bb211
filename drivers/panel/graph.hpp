#pragma once
// The drawing of a network the page receives once: every node with its place (layout.hpp) and
// role, every edge with its ends, kind and whether it learns. Values come later, per frame, as
// arrays in the same order.
//   {"layout":"crossbar","nodes":[{"name":"gnd","x":..,"y":..,"role":"ground"|"input"|"output"|""}],
//    "edges":[{"name":"x0_0","a":1,"b":3,"kind":"resistor"|"digipot"|"diode","trainable":true,
//              "cell":[x,y]}]}   ("cell" only for edges drawn as a square)
#include <nlohmann/json.hpp>

#include "emulator/network/network.hpp"

namespace spiceloop::panel {

nlohmann::json graph_json(const Network& net);

}  // namespace spiceloop::panel
