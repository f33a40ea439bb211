// spiceloop panel RUN_DIR: replays a finished training run in the front panel. The charts fill
// from RUN_DIR/metrics.jsonl over --seconds (0: at once); the network view is the trained network
// (RUN_DIR/network.json, conductances from checkpoint.json when it is there) with its free state
// solved on the ideal backend. Serves on 127.0.0.1 until Ctrl-C.
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "drivers/panel/run_feed.hpp"
#include "emulator/core/error.hpp"
#include "emulator/learning/checkpoint.hpp"
#include "emulator/network/load.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "tools/spiceloop/commands.hpp"
#include "tools/spiceloop/run_panel.hpp"
#include "tools/spiceloop/stop_signals.hpp"

namespace spiceloop::cli {

namespace {

namespace fs = std::filesystem;

struct PanelArgs {
  std::string run_dir;
  int port = 0;
  double seconds = 10.0;
};

std::vector<nlohmann::json> read_records(const fs::path& file) {
  std::ifstream in(file);
  if (!in)
    throw InputError("panel.no_run", file.string(),
                     "no metrics.jsonl here; give the folder that `spiceloop train --out DIR` wrote");
  std::vector<nlohmann::json> records;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      throw InputError("panel.bad_metrics", fmt::format("{}:{}", file.string(), number),
                       "not a JSON object; metrics.jsonl has one record per line");
    records.push_back(std::move(j));
  }
  if (records.empty()) throw InputError("panel.bad_metrics", file.string(), "the file is empty");
  return records;
}

void run(const PanelArgs& a) {
  if (a.seconds < 0 || !std::isfinite(a.seconds))
    throw InputError("cli.seconds", "--seconds", fmt::format("{} is not a duration in seconds (>= 0)", a.seconds));
  const std::optional<std::uint16_t> port = panel_port_option(a.port, "--port");
  const fs::path dir(a.run_dir);
  const std::vector<nlohmann::json> records = read_records(dir / "metrics.jsonl");
  if (!fs::exists(dir / "network.json"))
    throw InputError("panel.no_run", (dir / "network.json").string(),
                     "no trained network here; the run may not have finished (train it to the end, or --resume it)");
  Network net = load_network_file((dir / "network.json").string());
  if (fs::exists(checkpoint_path_in(dir))) {
    const Checkpoint c = read_checkpoint(checkpoint_path_in(dir));
    if (c.siemens.size() == net.edges.size()) net.set_conductances(c.siemens);
  }
  std::vector<double> volts;
  try {
    IdealSimulator ideal;
    ideal.load(net);
    volts = ideal.solve(Drive{}).node_volts;
  } catch (const Error&) {
    // A network the ideal backend cannot solve is drawn without voltages.
  }

  StopSignals stop_signals;
  panel::RunFeed feed(dir.filename().empty() ? dir.parent_path().filename().string() : dir.filename().string(), net,
                      "replay");
  RunPanel front_panel(feed, port);
  fmt::print("spiceloop panel: replaying {} ({} records) at {}\nready (Ctrl-C stops)\n", dir.string(), records.size(),
             front_panel.url());
  std::fflush(stdout);

  std::atomic<bool> stop{false};
  std::thread replay([&] {
    const auto pause = std::chrono::duration<double>(a.seconds / static_cast<double>(records.size()));
    const std::vector<double> siemens = net.conductances();
    for (std::size_t i = 0; i < records.size() && !stop; ++i) {
      feed.record(records[i], siemens, {}, volts);
      feed.set_status(fmt::format("replaying, {:.0f} %", 100.0 * double(i + 1) / double(records.size())));
      if (a.seconds > 0) std::this_thread::sleep_for(pause);
    }
    feed.set_status("replayed");
  });
  const int signal = stop_signals.wait();
  stop = true;
  replay.join();
  fmt::print("stopping on signal {}\n", signal);
}

}  // namespace

void add_panel(CLI::App& app) {
  auto args = std::make_shared<PanelArgs>();
  auto* cmd = app.add_subcommand("panel", "Replay a finished training run in the front panel (a web page on 127.0.0.1)");
  cmd->add_option("run_dir", args->run_dir, "The folder a `spiceloop train --out DIR` run wrote")->required();
  cmd->add_option("--port", args->port, "TCP port of the page (0: a free one)")->capture_default_str();
  cmd->add_option("--seconds", args->seconds, "Replay the charts over this long (0: all at once)")->capture_default_str();
  cmd->callback([args] { run(*args); });
}

}  // namespace spiceloop::cli
