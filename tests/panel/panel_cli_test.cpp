// `train --panel` and `panel RUN_DIR` as a user runs them: processes whose pages a real WebSocket
// client reads.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <utility>
#include <thread>

#include <catch2/catch.hpp>

#include "tests/common/child_process.hpp"
#include "tests/common/files.hpp"
#include "tests/common/paths.hpp"
#include "tests/panel/page_client.hpp"

using namespace panel_test;
using spiceloop::test::ScratchDir;
using spiceloop::test::spiceloop_binary;
using Process = spiceloop::test::ChildProcess;
namespace fs = std::filesystem;

namespace {

std::uint16_t port_in(const std::string& line) {
  const auto at = line.find("http://127.0.0.1:");
  REQUIRE(at != std::string::npos);
  return static_cast<std::uint16_t>(std::stoi(line.substr(at + 17)));
}

fs::path small_experiment(const fs::path& dir, int epochs) {
  const json exp = {{"network", spiceloop::test::bundled("lab16.json")},
                    {"task", {{"kind", "allostery"}}},
                    {"rule", {{"kind", "cl"}, {"eta", 0.5}}},
                    {"alpha", 2e-6},
                    {"epochs", epochs},
                    {"seed", 3}};
  spiceloop::test::write_json(dir / "experiment.json", exp);
  return dir / "experiment.json";
}

std::set<double> steps_in(const fs::path& metrics) {
  std::set<double> steps;
  std::ifstream in(metrics);
  std::string line;
  while (std::getline(in, line)) {
    const json j = json::parse(line);
    if (j["type"] == "step" || j["type"] == "epoch") steps.insert(j["step"].get<double>());
  }
  return steps;
}

// A page's frames until the run's card says `status` (30 s at most): the steps charted on the way,
// and the last frame's values. A deadline, not a count of frames: the frames sent while the test
// waited for the run are all still to read, more of them the slower the machine.
std::pair<std::set<double>, json> follow(Page& page, const std::string& status) {
  std::set<double> charted;
  json last;
  const auto until = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < until) {
    const auto f = page.next_of("frame", 2s);
    REQUIRE(f);
    for (const auto& s : (*f)["charts"]["step"]) charted.insert(s.get<double>());
    last = (*f)["values"];
    if (last["run"].value("status", "") == status) break;
  }
  return {charted, last};
}

}  // namespace

TEST_CASE("spiceloop train --panel: the page follows the run live and stays up after it", "[panel][cli]") {
  const ScratchDir scratch("panel_train");
  const fs::path& dir = scratch.dir;
  const fs::path experiment = small_experiment(dir, 400);
  Process train({spiceloop_binary(), "train", experiment.string(), "--backend", "ideal", "--out", (dir / "run").string(),
                 "--progress", "off", "--panel", "0"});
  const auto url = train.wait_for("panel: http://", 30s);
  REQUIRE(url);
  Page page(port_in(*url));
  REQUIRE(page.open());
  const auto hello = page.next_of("hello");
  REQUIRE(hello);
  CHECK((*hello)["graph"]["kind"] == "run");
  CHECK((*hello)["graph"]["edges"].size() == 16);
  CHECK((*hello)["actions"].empty());
  REQUIRE(train.wait_for("the panel stays up", 60s));
  const auto [charted, last] = follow(page, "finished");
  CHECK(last["run"]["status"] == "finished");
  CHECK(charted == steps_in(dir / "run" / "metrics.jsonl"));  // every step, and epoch 0
  CHECK(last["nodes"]["volts"].size() == (*hello)["graph"]["nodes"].size());
  CHECK(train.stop() == 0);
}

TEST_CASE("spiceloop train --panel: Ctrl-C during the run stops it as it does without a panel", "[panel][cli]") {
  // A regression: the panel's blocked stop signals used to wait for the end of the run.
  const ScratchDir scratch("panel_train_stop");
  const fs::path& dir = scratch.dir;
  const fs::path experiment = small_experiment(dir, 10000000);
  Process train({spiceloop_binary(), "train", experiment.string(), "--backend", "ideal", "--out", (dir / "run").string(),
                 "--progress", "off", "--panel", "0"});
  REQUIRE(train.wait_for("panel: http://", 30s));
  std::this_thread::sleep_for(300ms);  // into the run
  const auto sent = std::chrono::steady_clock::now();
  CHECK(train.stop() == -1);  // ended by the signal, as without a panel
  CHECK(std::chrono::steady_clock::now() - sent < 5s);  // not after the run, nor by the SIGKILL at 10 s
  CHECK(train.output().find("the panel stays up") == std::string::npos);
}

TEST_CASE("spiceloop panel RUN_DIR: replays the charts of a finished run and draws its trained network", "[panel][cli]") {
  const ScratchDir scratch("panel_replay");
  const fs::path& dir = scratch.dir;
  const fs::path experiment = small_experiment(dir, 50);
  Process train({spiceloop_binary(), "train", experiment.string(), "--backend", "ideal", "--out", (dir / "run").string(),
                 "--progress", "off"});
  REQUIRE(train.wait() == 0);
  Process replay({spiceloop_binary(), "panel", (dir / "run").string(), "--port", "0", "--seconds", "0.5"});
  const auto url = replay.wait_for("http://", 30s);
  REQUIRE(url);
  Page page(port_in(*url));
  REQUIRE(page.open());
  const auto hello = page.next_of("hello");
  REQUIRE(hello);
  CHECK((*hello)["graph"]["kind"] == "replay");
  const auto [charted, last] = follow(page, "replayed");
  CHECK(last["run"]["status"] == "replayed");
  CHECK(charted == steps_in(dir / "run" / "metrics.jsonl"));
  const json trained = spiceloop::test::read_json(dir / "run" / "network.json");
  CHECK(last["edges"]["siemens"].size() == trained["edges"].size());
  CHECK(last["nodes"]["volts"].size() == trained["nodes"].size());
  CHECK(replay.stop() == 0);

  Process missing({spiceloop_binary(), "panel", (dir / "nothing").string()});
  CHECK(missing.wait() != 0);
  CHECK(missing.output().find("panel.no_run") != std::string::npos);

  // A line the strict reader refuses (a key given twice) stops it before the page opens, at that line.
  const std::string metrics = spiceloop::test::read_text(dir / "run" / "metrics.jsonl");
  const auto lines = std::count(metrics.begin(), metrics.end(), '\n');
  std::ofstream(dir / "run" / "metrics.jsonl", std::ios::app) << R"({"type":"step","step":1,"step":2})" << "\n";
  Process bad({spiceloop_binary(), "panel", (dir / "run").string(), "--port", "0"});
  CHECK(bad.wait() != 0);
  INFO(bad.output());
  CHECK(bad.output().find("panel.bad_metrics") != std::string::npos);
  CHECK(bad.output().find("metrics.jsonl line " + std::to_string(lines + 1)) != std::string::npos);
  CHECK(bad.output().find("http://") == std::string::npos);
}

TEST_CASE("spiceloop serve --panel: prints the page's address with a token the actions need", "[panel][cli]") {
  Process serve({spiceloop_binary(), "serve", spiceloop::test::bench_file("lab16_hil.json"),
                 "--backend", "ideal", "--port", "0", "--no-pty", "--panel", "0"});
  const auto line = serve.wait_for("panel ", 30s);
  REQUIRE(line);
  const auto hash = line->find("#token=");
  REQUIRE(hash != std::string::npos);
  const std::string token = line->substr(hash + 7, 32);
  REQUIRE(serve.wait_for("ready", 10s));
  Page page(port_in(*line));
  REQUIRE(page.open());
  REQUIRE(page.send(R"({"cmd":"pause","id":1})"));
  auto r = page.next_of("reply");
  REQUIRE(r);
  CHECK((*r)["error"] == "panel.unauthorized");
  REQUIRE(page.send(R"({"cmd":"pause","id":2,"token":")" + token + R"("})"));
  r = page.next_of("reply");
  REQUIRE(r);
  CHECK((*r)["ok"] == true);
  CHECK(serve.stop() == 0);
}
