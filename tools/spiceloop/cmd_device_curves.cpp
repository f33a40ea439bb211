// spiceloop device-curves [NET.json]: conductance vs pulse number for each memristor edge of a
// network, 100 pulses up then 100 down (by default) for many devices drawn from the edge's
// parameters, as CSV (every device, and the bands over devices per pulse) and a plot
// (tools/plot_device_curves.py). The default network is netlists/memristor_models.json, one device
// per pulse model.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "emulator/core/atomic_file.hpp"
#include "emulator/core/error.hpp"
#include "emulator/core/log.hpp"
#include "emulator/core/plot_script.hpp"
#include "emulator/learning/config.hpp"
#include "emulator/network/load.hpp"
#include "emulator/network/memristor.hpp"
#include "tools/spiceloop/bundled.hpp"
#include "tools/spiceloop/commands.hpp"

namespace spiceloop::cli {

namespace {

struct CurveArgs {
  std::string network;
  std::string out = "runs/device-curves";
  int devices = 100;
  int up = 100;
  int down = 100;
  std::uint64_t seed = 1;
  bool no_plot = false;
};

// The q-quantile of sorted values, linearly interpolated.
double quantile(const std::vector<double>& sorted, double q) {
  const double x = q * static_cast<double>(sorted.size() - 1);
  const std::size_t i = static_cast<std::size_t>(x);
  if (i + 1 >= sorted.size()) return sorted.back();
  return sorted[i] + (x - static_cast<double>(i)) * (sorted[i + 1] - sorted[i]);
}

void run(const CurveArgs& a) {
  const std::filesystem::path path = a.network.empty() ? bundled_file("netlists/memristor_models.json") : std::filesystem::path(a.network);
  const Network net = load_network_file(path.string());
  const double values = static_cast<double>(a.devices) * (a.up + a.down + 1);
  if (values > 1e7)
    throw InputError("cli.too_large", "--devices",
                     fmt::format("{} devices x {} points per edge is more than 1e7 values; ask fewer devices or pulses",
                                 a.devices, a.up + a.down + 1));
  std::string curves = "edge,model,device,pulse,direction,siemens\n";
  std::string bands = "edge,model,pulse,direction,mean,sd,p05,p50,p95\n";
  int edges = 0;
  for (const Edge& e : net.edges) {
    if (e.kind != ElementKind::Memristor) continue;
    ++edges;
    const auto c = pulse_curves(e, a.devices, a.up, a.down, a.seed);
    const char* model = pulse_model_name(e.memristor.model);
    for (int n = 0; n <= a.up + a.down; ++n) {
      const char* direction = n == 0 ? "start" : n <= a.up ? "up" : "down";
      std::vector<double> g;
      for (int d = 0; d < a.devices; ++d) {
        g.push_back(c[d][n]);
        curves += fmt::format("{},{},{},{},{},{:.17g}\n", e.name, model, d, n, direction, c[d][n]);
      }
      double mean = 0.0, var = 0.0;
      for (double x : g) mean += x / a.devices;
      for (double x : g) var += (x - mean) * (x - mean) / a.devices;
      std::sort(g.begin(), g.end());
      bands += fmt::format("{},{},{},{},{:.17g},{:.17g},{:.17g},{:.17g},{:.17g}\n", e.name, model, n, direction, mean,
                           std::sqrt(var), quantile(g, 0.05), quantile(g, 0.5), quantile(g, 0.95));
    }
  }
  if (edges == 0)
    throw InputError("cli.no_memristor", path.string(),
                     "the network has no memristor edge to characterise; give one with \"kind\": \"memristor\" "
                     "(netlists/README.md) or leave the file out for the bundled memristor_models.json");
  std::filesystem::create_directories(a.out);
  const std::filesystem::path curves_csv = std::filesystem::path(a.out) / "curves.csv";
  const std::filesystem::path bands_csv = std::filesystem::path(a.out) / "bands.csv";
  write_file_atomically(curves_csv, curves);
  write_file_atomically(bands_csv, bands);
  fmt::print("{} memristor edge{} of {}: {} devices each, {} pulses up then {} down (seed {})\n", edges,
             edges == 1 ? "" : "s", net.name, a.devices, a.up, a.down, a.seed);
  fmt::print("wrote {} and {}\n", curves_csv.string(), bands_csv.string());
  if (a.no_plot) return;
  const std::filesystem::path script = find_plot_script("plot_device_curves.py", "SPICELOOP_PLOT_DEVICE_CURVES_SCRIPT");
  const std::filesystem::path png = std::filesystem::path(a.out) / "device_curves.png";
  if (script.empty()) {
    log::warn("tools/plot_device_curves.py not found; no plot in {}", a.out);
    return;
  }
  if (run_plot_script(script, {bands_csv.string(), curves_csv.string(), png.string()}, png.string()))
    fmt::print("wrote {}\n", png.string());
}

}  // namespace

void add_device_curves(CLI::App& app) {
  auto args = std::make_shared<CurveArgs>();
  auto* cmd = app.add_subcommand(
      "device-curves", "Conductance vs pulse number of each memristor edge (100 up, 100 down), bands over devices");
  cmd->add_option("network", args->network, "Network JSON with memristor edges (default: netlists/memristor_models.json)");
  cmd->add_option("--out", args->out, "Output directory")->capture_default_str();
  cmd->add_option("--devices", args->devices, "Devices drawn per edge (device-to-device spread)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  const auto pulses = CLI::Range(0, experiment_limits::kMaxPulses);
  cmd->add_option("--up", args->up, "Pulses up, then --down pulses down")->check(pulses)->capture_default_str();
  cmd->add_option("--down", args->down, "Pulses down after the pulses up")->check(pulses)->capture_default_str();
  cmd->add_option("--seed", args->seed, "Seed of the devices and their pulse noise")->capture_default_str();
  cmd->add_flag("--no-plot", args->no_plot, "Skip device_curves.png (matplotlib)");
  cmd->callback([args] { run(*args); });
}

}  // namespace spiceloop::cli
