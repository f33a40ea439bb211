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
#include <functional>
#include <thread>

#include "drivers/panel/run_feed.hpp"
#include "emulator/core/error.hpp"
#include "emulator/core/json_text.hpp"
#include "emulator/learning/run/checkpoint.hpp"
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

// metrics.jsonl, one record per line, through the strict JSON parser; read twice (checked and
// counted before the page opens, then replayed), so that no run's history is held in memory.
const DocumentKind kMetricsDocument = DocumentKind::single("panel", "bad_metrics");

class MetricsFile {
 public:
  explicit MetricsFile(fs::path file) : file_(std::move(file)) {
    if (!std::ifstream(file_))
      throw InputError("panel.no_run", file_.string(),
                       "no metrics.jsonl here; give the folder that `spiceloop train --out DIR` wrote");
    for_each([&](const nlohmann::json&) { return ++records_ > 0; });
    if (records_ == 0) throw InputError("panel.bad_metrics", file_.string(), "the file holds no records");
  }
  std::size_t records() const { return records_; }

  // Each record in order, while f returns true.
  void for_each(const std::function<bool(const nlohmann::json&)>& f) const {
    std::ifstream in(file_);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (line.empty()) continue;
      const std::string where = fmt::format("{} line {}", file_.string(), number);
      nlohmann::json j = parse_json_text(line, where, kMetricsDocument);
      if (!j.is_object()) throw InputError("panel.bad_metrics", where, "not a JSON object; metrics.jsonl has one record per line");
      if (!f(j)) return;
    }
  }

 private:
  fs::path file_;
  std::size_t records_ = 0;
};

void run(const PanelArgs& a) {
  if (a.seconds < 0 || !std::isfinite(a.seconds))
    throw InputError("cli.seconds", "--seconds", fmt::format("{} is not a duration in seconds (>= 0)", a.seconds));
  const std::optional<std::uint16_t> port = panel_port_option(a.port, "--port");
  const fs::path dir(a.run_dir);
  const MetricsFile metrics(dir / "metrics.jsonl");
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
  fmt::print("spiceloop panel: replaying {} ({} records) at {}\nready (Ctrl-C stops)\n", dir.string(),
             metrics.records(), front_panel.url());
  std::fflush(stdout);

  std::atomic<bool> stop{false};
  std::thread replay([&] {
    const double records = static_cast<double>(metrics.records());
    const auto pause = std::chrono::duration<double>(a.seconds / records);
    const std::vector<double> siemens = net.conductances();
    std::size_t done = 0;
    try {
      metrics.for_each([&](const nlohmann::json& record) {
        feed.record(record, siemens, {}, volts);
        feed.set_status(fmt::format("replaying, {:.0f} %", 100.0 * static_cast<double>(++done) / records));
        if (a.seconds > 0) std::this_thread::sleep_for(pause);
        return !stop;
      });
      feed.set_status("replayed");
    } catch (const Error& e) {  // the file changed since it was checked
      feed.set_status(e.what());
    }
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
