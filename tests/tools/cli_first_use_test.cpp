// The mistakes a new user makes first, each answered with what to do: a misspelt command, a network
// given where an experiment, sweep or bench belongs, a misspelt file name, and an experiment copied
// out of netlists/ whose relative paths no longer resolve. And `solve --phase`, whose states match
// the deck `netlist` writes for the same phase as Debian's ngspice program prints it.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/common/files.hpp"
#include "tests/common/paths.hpp"
#include "tests/common/run_command.hpp"

using namespace spiceloop::test;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;

namespace {

CommandResult run_spiceloop(const std::string& args) {
  const auto r = run_command(spiceloop_binary() + " " + args, true);
  INFO("spiceloop " << args << "\n" << r.output);
  return r;
}

void check_refused(const std::string& args, const std::string& id, const std::string& message) {
  const auto r = run_spiceloop(args);
  INFO("spiceloop " << args << "\n" << r.output);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Contains("[spiceloop." + id + "]") && Contains(message));
}

// "v(n_<node>) = value" lines of `ngspice -b`, by node name.
std::map<std::string, double> ngspice_batch(const std::filesystem::path& deck) {
  const auto r = run_command("cd " + deck.parent_path().string() + " && ngspice -b " + deck.filename().string(), true);
  REQUIRE(r.exit_code == 0);
  std::map<std::string, double> out;
  const std::regex printed(R"(v\(([nc])_([a-z0-9_]+)\) = (\S+))");
  std::istringstream lines(r.output);
  std::smatch m;
  for (std::string line; std::getline(lines, line);)
    if (std::regex_match(line, m, printed)) out[std::string(m[1]) + "_" + std::string(m[2])] = std::stod(m[3]);
  return out;
}

}  // namespace

TEST_CASE("spiceloop: a misspelt command names the command it probably meant", "[cli]") {
  check_refused("slove " + bundled("divider.json"), "cli.unknown_command", "did you mean `spiceloop solve`?");
  check_refused("-q trian", "cli.unknown_command", "did you mean `spiceloop train`?");
  check_refused("frobnicate", "cli.unknown_command", "spiceloop --help");
}

TEST_CASE("spiceloop: a network given to train, sweep or serve says what the command takes", "[cli]") {
  const std::string net = bundled("lab16.json");
  check_refused("train " + net, "config.is_network", "takes an experiment (netlists/experiments/*.json)");
  check_refused("sweep " + net + " --out /nonexistent/x", "config.is_network", "takes a sweep");
  check_refused("serve " + net + " --port 0", "bench.is_network", "takes a bench (netlists/benches/*.json)");
}

TEST_CASE("spiceloop: a misspelt file name gets the nearest name in its folder", "[cli]") {
  check_refused("solve " + bundled("lab61.json"), "network.unreadable_file",
                "did you mean \"" + bundled("lab16.json") + "\"?");
  check_refused("train " + bundled("experiments/alostery.json"), "config.unreadable_file", "allostery.json");
}

TEST_CASE("spiceloop: an experiment copied out of netlists/ names the key whose path broke", "[cli]") {
  const ScratchDir scratch("cli_copied_experiment");
  const auto copy = scratch.dir / "allostery.json";
  std::filesystem::copy_file(bundled("experiments/allostery.json"), copy);
  check_refused("train " + copy.string(), "config.missing_file",
                copy.string() + "#/network: the file \"" + (scratch.dir / "../lab16.json").string() +
                    "\" does not exist (a relative path starts at the experiment file's folder)");

  nlohmann::json iris = nlohmann::json::parse(read_text(bundled("experiments/default.json")));
  iris["network"] = bundled("iris16.json");  // fixed, so that the data path is the next to break
  std::ofstream(scratch.dir / "iris.json") << iris.dump();
  check_refused("train " + (scratch.dir / "iris.json").string(), "config.missing_file", "#/task/data: the file");
}

TEST_CASE("spiceloop solve --phase: each phase's voltages are the ones its ngspice deck prints", "[cli][ngspice]") {
  const ScratchDir scratch("cli_solve_phase");
  const std::string net = bundled("lab16.json");
  for (const std::string phase : {"free", "clamped", "nudged", "twin"}) {
    INFO(phase);
    const std::string values = phase == "nudged" ? " --values 1e-5,-2e-5,1e-5" : phase == "free" ? "" : " --values 0.1,-0.2,0.3";
    const auto deck = scratch.dir / (phase + ".cir");
    REQUIRE(run_spiceloop("netlist " + net + " --phase " + phase + values + " -o " + deck.string()).exit_code == 0);
    const auto printed = ngspice_batch(deck);
    const auto solved = run_spiceloop("solve " + net + " --backend ideal --json --phase " + phase + values);
    REQUIRE(solved.exit_code == 0);
    const auto j = nlohmann::json::parse(solved.output);
    CHECK(j["phase"] == phase);
    // Twin: the free copy's nodes are n_*, the clamped copy's c_*; the others have only n_*.
    const auto compare = [&](const nlohmann::json& volts, const std::string& prefix) {
      int compared = 0;
      for (auto& [node, v] : volts.items()) {
        if (node == "gnd") continue;
        REQUIRE(printed.count(prefix + node));
        CHECK_THAT(printed.at(prefix + node), WithinAbs(v.get<double>(), 1e-9));
        ++compared;
      }
      CHECK(compared == 9);
    };
    if (phase == "twin") {
      compare(j["free"]["node_volts"], "n_");
      compare(j["clamped"]["node_volts"], "c_");
    } else {
      compare(j["node_volts"], "n_");
    }
  }
}
