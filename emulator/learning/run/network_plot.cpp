#include "emulator/learning/run/network_plot.hpp"

#include <unistd.h>

#include <atomic>
#include <fstream>

#include <fmt/format.h>

#include "emulator/core/log.hpp"
#include "emulator/core/plot_script.hpp"

namespace spiceloop {

nlohmann::ordered_json network_plot_document(const Network& net, std::span<const double> initial_values,
                                             std::span<const double> node_volts, const std::string& title) {
  nlohmann::ordered_json edges = nlohmann::ordered_json::array();
  for (const Edge& e : net.edges)
    edges.push_back({{"name", e.name}, {"a", e.a}, {"b", e.b}, {"kind", element_kind_name(e.kind)}});
  nlohmann::ordered_json inputs = nlohmann::ordered_json::array();
  for (const Input& i : net.inputs) inputs.push_back(i.node);
  return {{"format", "spiceloop.network-plot.v1"},
          {"name", net.name},
          {"nodes", net.node_names},
          {"edges", std::move(edges)},
          {"inputs", std::move(inputs)},
          {"outputs", net.outputs},
          {"values", net.conductances()},
          {"initial_values", std::vector<double>(initial_values.begin(), initial_values.end())},
          {"node_volts", std::vector<double>(node_volts.begin(), node_volts.end())},
          {"title", title}};
}

bool plot_network(const nlohmann::ordered_json& document, const std::filesystem::path& png,
                  std::filesystem::path script) {
  namespace fs = std::filesystem;
  if (script.empty()) script = find_plot_script("plot_network.py", "SPICELOOP_PLOT_NETWORK_SCRIPT");
  if (script.empty()) {
    log::warn("tools/plot_network.py not found; skipping {}", png.string());
    return false;
  }
  // A private file (pid and a counter): runs in parallel processes or threads never share one.
  static std::atomic<int> counter{0};
  std::error_code ec;
  const fs::path doc =
      fs::temp_directory_path(ec) / fmt::format("spiceloop-network-plot-{}-{}.json", ::getpid(), counter++);
  {
    std::ofstream out(doc);
    out << document.dump() << '\n';
    if (!out) {
      log::warn("cannot write {}; skipping {}", doc.string(), png.string());
      fs::remove(doc, ec);
      return false;
    }
  }
  const bool drawn = run_plot_script(script, {doc.string(), png.string()}, png.string());
  fs::remove(doc, ec);
  return drawn;
}

}  // namespace spiceloop
