// As a user runs it: `spiceloop serve` in one process writes the addresses file, `spiceloop train
// --backend hil --instruments` in another trains through its sockets and ends with the codes of the
// in-process run on the backend the server uses.
#include <catch2/catch.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "emulator/network/load.hpp"
#include "tests/common/paths.hpp"
#include "tests/common/run_command.hpp"
#include "tests/hil/hil_rig.hpp"

using namespace hil_test;
using spiceloop::test::run_command;
using spiceloop::test::spiceloop_binary;
using Catch::Matchers::Contains;

namespace {

// `spiceloop <args>` (serve, board) as a child whose stdout we read; stopped by SIGTERM.
class Server {
 public:
  explicit Server(const std::vector<std::string>& args) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      ::close(fds[0]);
      ::close(fds[1]);
      const std::string bin = spiceloop_binary();
      std::vector<char*> argv{const_cast<char*>(bin.c_str())};
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(bin.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    out_ = fds[0];
  }
  ~Server() {
    if (pid_ > 0) stop();
    if (out_ >= 0) ::close(out_);
  }

  // Everything printed up to and including the "ready" line (empty on timeout or exit).
  std::string wait_ready(std::chrono::seconds timeout) {
    std::string text;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (text.find("ready") == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return {};
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return {};
      char buf[512];
      const ssize_t n = ::read(out_, buf, sizeof buf);
      if (n <= 0) return {};
      text.append(buf, static_cast<std::size_t>(n));
    }
    return text;
  }

  // SIGTERM; the exit status (0: it stopped cleanly).
  int stop() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
};

}  // namespace

TEST_CASE("spiceloop train --backend hil against spiceloop serve ends with the in-process codes", "[hil][cli][socket]") {
  ScratchDir scratch("hil_cli");
  // sign_rule.json, shortened; its network path made absolute since the copy lives elsewhere.
  nlohmann::json exp = read_json(bundled("experiments/sign_rule.json"));
  exp["network"] = bundled("lab16_digipot.json");
  exp["epochs"] = 30;
  exp["checkpoint_every"] = 0;
  const fs::path experiment = scratch.dir / "sign_rule.json";
  write_json(experiment, exp);
  const fs::path addresses = scratch.dir / "a.json";

  Server server({"serve", bundled("benches/lab16_hil.json"), "--port", "0", "--backend", "ideal", "--no-pty",
                 "--addresses", addresses.string()});
  const std::string banner = server.wait_ready(std::chrono::seconds(20));
  REQUIRE_THAT(banner, Contains("ready"));
  REQUIRE(fs::exists(addresses));

  const std::string common = spiceloop_binary() + " train " + experiment.string() + " --progress off";
  const auto hil = run_command(common + " --backend hil --instruments " + addresses.string() + " --out " +
                                   (scratch.dir / "hil").string(), true);
  INFO(hil.output);
  REQUIRE(hil.exit_code == 0);
  CHECK_THAT(hil.output, Contains("on hil"));
  const auto ideal = run_command(common + " --backend ideal --out " + (scratch.dir / "ideal").string(), true);
  INFO(ideal.output);
  REQUIRE(ideal.exit_code == 0);

  const Network looped = load_network_file((scratch.dir / "hil" / "network.json").string());
  const Network in_process = load_network_file((scratch.dir / "ideal" / "network.json").string());
  CHECK(codes_of(in_process) != codes_of(load_network_file(bundled("lab16_digipot.json"))));
  CHECK(codes_of(looped) == codes_of(in_process));

  // --backend hil without --instruments, and --instruments without hil, say what to add.
  CHECK_THAT(run_command(common + " --backend hil", true).output,
             Contains("cli.instruments") && Contains("--instruments ADDRS.json"));
  CHECK_THAT(run_command(common + " --backend ideal --instruments " + addresses.string(), true).output,
             Contains("cli.instruments") && Contains("add --backend hil"));

  CHECK(server.stop() == 0);
}

TEST_CASE("spiceloop train --backend hil against spiceloop board ends with the in-process gates", "[hil][cli][socket][board]") {
  ScratchDir scratch("board_cli");
  nlohmann::json exp = read_json(bundled("experiments/clln_xor.json"));
  exp["network"] = bundled("clln4x4.json");
  exp["epochs"] = 12;
  exp["checkpoint_every"] = 0;
  const fs::path experiment = scratch.dir / "clln_xor.json";
  write_json(experiment, exp);
  const fs::path addresses = scratch.dir / "a.json";

  Server board({"board", bundled("clln4x4.json"), "--port", "0", "--backend", "ideal", "--no-pty", "--addresses",
                addresses.string()});
  const std::string banner = board.wait_ready(std::chrono::seconds(20));
  REQUIRE_THAT(banner, Contains("board") && Contains("32 gates") && Contains("ready"));
  REQUIRE(read_json(addresses).contains("board"));

  const std::string common = spiceloop_binary() + " train " + experiment.string() + " --progress off --no-plot";
  const auto hil = run_command(common + " --backend hil --instruments " + addresses.string() + " --out " +
                                   (scratch.dir / "hil").string(), true);
  INFO(hil.output);
  REQUIRE(hil.exit_code == 0);
  const auto ideal = run_command(common + " --backend ideal --out " + (scratch.dir / "ideal").string(), true);
  INFO(ideal.output);
  REQUIRE(ideal.exit_code == 0);

  const auto gates = [](const Network& net) {
    std::vector<double> g;
    for (const Edge& e : net.edges) g.push_back(e.gate_volts);
    return g;
  };
  const Network looped = load_network_file((scratch.dir / "hil" / "network.json").string());
  const Network in_process = load_network_file((scratch.dir / "ideal" / "network.json").string());
  CHECK(gates(in_process) != gates(load_network_file(bundled("clln4x4.json"))));
  CHECK(gates(looped) == gates(in_process));
  // The evaluations (RELX through the board) agree too: the same final losses, to the bit.
  const nlohmann::json h = read_json(scratch.dir / "hil" / "summary.json"), i = read_json(scratch.dir / "ideal" / "summary.json");
  CHECK(h["backend"] == "hil");
  CHECK(h["final"] == i["final"]);
  CHECK(h["initial"] == i["initial"]);

  CHECK(board.stop() == 0);
}
