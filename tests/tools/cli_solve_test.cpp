// The spiceloop command as a user runs it: solve, netlist (checked by Debian's ngspice program),
// generate, and clear errors with a non-zero exit code.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "emulator/network/load.hpp"
#include "tests/common/files.hpp"
#include "tests/common/paths.hpp"
#include "tests/common/run_command.hpp"

using namespace spiceloop;
using namespace spiceloop::test;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

nlohmann::json solve_json(const std::string& net, const std::string& backend) {
  const auto r = run_command(spiceloop_binary() + " solve " + net + " --backend " + backend + " --json");
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.output);
}

}  // namespace

TEST_CASE("spiceloop solve: the divider gives its analytic voltage on both backends", "[cli][ngspice]") {
  for (const char* backend : {"ideal", "ngspice"}) {
    const auto j = solve_json(bundled("divider.json"), backend);
    const Network net = load_network_file(bundled("divider.json"));
    // V_out = V_in * R2 / (R1 + R2), from the file's own values.
    const double g1 = net.edges[0].siemens, g2 = net.edges[1].siemens;
    const double vin = net.inputs[0].volts;
    const double expected = vin * g1 / (g1 + g2);
    CHECK_THAT(j["node_volts"][net.node_names[net.outputs[0]]].get<double>(), WithinRel(expected, 1e-9));
    CHECK_THAT(j["power_watts"].get<double>(), WithinRel(vin * vin * g1 * g2 / (g1 + g2), 1e-9));
  }
}

TEST_CASE("spiceloop solve: ngspice and ideal agree on the bundled lab network", "[cli][ngspice]") {
  const auto a = solve_json(bundled("lab16.json"), "ideal");
  const auto b = solve_json(bundled("lab16.json"), "ngspice");
  for (auto& [node, v] : a["node_volts"].items())
    CHECK_THAT(b["node_volts"][node].get<double>(), WithinAbs(v.get<double>(), 1e-9));
}

TEST_CASE("spiceloop netlist: ngspice -b prints the voltages spiceloop solve returns, and nothing of its own",
          "[cli][ngspice]") {
  const ScratchDir scratch("cli_netlist");
  const auto& dir = scratch.dir;
  const std::string deck = (dir / "lab16.cir").string();
  REQUIRE(run_command(spiceloop_binary() + " netlist " + bundled("lab16.json") + " --phase free -o " + deck).exit_code == 0);
  const auto printed = run_command("cd " + dir.string() + " && ngspice -b lab16.cir", true);
  REQUIRE(printed.exit_code == 0);
  // No "can't parse" warnings from .print lines, no device dump from a bare .op in batch mode.
  CHECK_THAT(printed.output, !Contains("arning") && !Contains("Resistor") && !Contains("Vsource"));
  const auto solved = solve_json(bundled("lab16.json"), "ngspice");
  const std::regex line(R"(v\(n_([a-z0-9_]+)\) = (\S+))");
  std::istringstream lines(printed.output);
  std::smatch m;
  int compared = 0;
  for (std::string text; std::getline(lines, text);) {
    if (!std::regex_match(text, m, line)) continue;
    // ngspice prints lower-case names and 16 significant digits (15 for a negative value).
    for (auto& [node, v] : solved["node_volts"].items()) {
      std::string lower = node;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower == m[1]) {
        CHECK_THAT(std::stod(m[2]), WithinAbs(v.get<double>(), 1e-14));
        ++compared;
      }
    }
  }
  const Network net = load_network_file(bundled("lab16.json"));
  CHECK(compared == net.node_count() - 1);
}

TEST_CASE("spiceloop netlist: a phase that needs values says how many", "[cli]") {
  const auto r = run_command(spiceloop_binary() + " netlist " + bundled("divider.json") + " --phase clamped", true);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Contains("cli.values") && Contains("one per output"));
}

TEST_CASE("spiceloop generate: a crossbar with wires loads back with 1 + 2MN nodes", "[cli]") {
  const ScratchDir scratch("cli_generate");
  const auto& dir = scratch.dir;
  const std::string out = (dir / "xbar.json").string();
  const auto r = run_command(spiceloop_binary() +
                             " generate crossbar --set rows=3 --set columns=5 --set wire_ohms=2 --set seed=4 -o " + out);
  REQUIRE(r.exit_code == 0);
  const Network net = load_network_file(out);
  CHECK(net.node_count() == 1 + 2 * 3 * 5);
  CHECK(net.edge_count() == 3 * 3 * 5 - 3);
}

TEST_CASE("spiceloop generate: layered takes its sizes as a comma list and refuses an unknown key", "[cli]") {
  const ScratchDir scratch("cli_generate_layered");
  const std::string out = (scratch.dir / "layered.json").string();
  const auto r = run_command(spiceloop_binary() + " generate layered --set layers=4,8,3 --set seed=2 -o " + out);
  REQUIRE(r.exit_code == 0);
  const Network net = load_network_file(out);
  CHECK(net.node_count() == 1 + 2 * 4 + 2 + 8 + 3);
  CHECK(net.outputs.size() == 3);
  const auto bad = run_command(spiceloop_binary() + " generate layered --set layer=4,8,3", true);
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.output, Contains("--set#/layer") && Contains("did you mean \"layers\"?"));
}

TEST_CASE("spiceloop solve: a bad network file is an error with its location, not a crash", "[cli]") {
  const ScratchDir scratch("cli_bad_network");
  const auto& dir = scratch.dir;
  const std::string bad = (dir / "bad.json").string();
  std::ofstream(bad) << R"({"spiceloop": 1, "nodes": ["a"], "inputs": [{"node": "a", "volts": 1}],
    "edges": [{"name": "R1", "a": "a", "b": "gnd", "kind": "resistor", "ohms": 0}]})";
  for (const char* backend : {"ideal", "ngspice"}) {
    const auto r = run_command(spiceloop_binary() + " solve " + bad + " --backend " + backend, true);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Contains("/edges/0/ohms"));
  }
}

TEST_CASE("spiceloop netlist: values ngspice would read literally but no network carries are refused", "[cli]") {
  // These once went into the deck as "dc nan" and the command exited 0.
  const ScratchDir scratch("cli_netlist_values");
  const std::string deck = (scratch.dir / "deck.cir").string();
  for (const char* v : {"nan", "inf", "-inf", "1e300"}) {
    INFO(v);
    const auto r = run_command(spiceloop_binary() + " netlist " + bundled("divider.json") + " --phase clamped --values " +
                                   v + " -o " + deck,
                               true);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Contains("cli.values") && Contains("--values[0]"));
    CHECK_FALSE(std::filesystem::exists(deck));
  }
  const auto amps = run_command(
      spiceloop_binary() + " netlist " + bundled("divider.json") + " --phase nudged --values 1e300", true);
  CHECK(amps.exit_code == 2);
  CHECK_THAT(amps.output, Contains("cli.values"));
  CHECK(run_command(spiceloop_binary() + " netlist " + bundled("divider.json") + " --phase clamped --values 0.25")
            .exit_code == 0);
}

TEST_CASE("spiceloop solve and netlist: a tolerance outside its range is refused naming the flag", "[cli]") {
  // ngspice took --reltol -1 and failed later with "Timestep too small".
  for (const std::string& args : {std::string(" solve ") + bundled("divider.json") + " --backend ngspice --reltol -1",
                                  std::string(" solve ") + bundled("divider.json") + " --backend ideal --gmin 1",
                                  std::string(" netlist ") + bundled("divider.json") + " --reltol -1"}) {
    INFO(args);
    const auto r = run_command(spiceloop_binary() + args, true);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Contains("cli.tolerance"));
  }
  CHECK_THAT(run_command(spiceloop_binary() + " solve " + bundled("divider.json") + " --reltol -1", true).output,
             Contains("--reltol"));
}
