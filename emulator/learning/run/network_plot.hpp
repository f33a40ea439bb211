// network.png, which a training run writes beside loss.png: the trained network drawn by
// tools/plot_network.py, which draws with the Python module's own plot (python/spiceloop/plot.py),
// so that `spiceloop train` and spiceloop.plot.network share one layout and one drawing.
//
// The script is handed one JSON document with the network already resolved to node indices (no
// second reader of the network format in Python), "spiceloop.network-plot.v1":
//   name, nodes (names; 0 is the ground), edges [{name, a, b, kind}], inputs and outputs (node
//   indices), values and initial_values (per edge: Network::conductances() now and at the start of
//   the run), node_volts (per node, or empty), title.
// As for every plot (core/plot_script.hpp), a missing python3, script or matplotlib is a warning.
#pragma once

#include <filesystem>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "emulator/network/network.hpp"

namespace spiceloop {

nlohmann::ordered_json network_plot_document(const Network& net, std::span<const double> initial_values,
                                             std::span<const double> node_volts, const std::string& title);

// Writes the document to a private temporary file, runs `script DOC png`, removes the file.
// script empty: tools/plot_network.py, searched ($SPICELOOP_PLOT_NETWORK_SCRIPT first). True when drawn.
bool plot_network(const nlohmann::ordered_json& document, const std::filesystem::path& png,
                  std::filesystem::path script = {});

}  // namespace spiceloop
