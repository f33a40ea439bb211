// Decks: what each phase writes, and that `ngspice -b deck.cir` (Debian's ngspice program) prints the
// voltages the phase should have, and nothing else of its own (no warnings, no device dump).
// Printed values carry 16 significant digits, as `spiceloop solve` prints them.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "emulator/core/error.hpp"
#include "emulator/netlist/deck.hpp"
#include "tests/common/files.hpp"
#include "tests/common/networks.hpp"
#include "tests/common/run_command.hpp"

using namespace spiceloop;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinRel;

namespace {

bool have_ngspice() { return std::system("command -v ngspice >/dev/null 2>&1") == 0; }

// Runs `ngspice -b` on a deck and returns every printed "v(node) = value" line, checking on the
// way that the run succeeded and printed neither a warning nor batch mode's device dump.
std::map<std::string, double> run_batch(const std::string& deck) {
  const test::ScratchDir scratch("deck_test");
  std::ofstream(scratch.dir / "deck.cir") << deck;
  const auto run = test::run_command("cd " + scratch.dir.string() + " && ngspice -b deck.cir", true);
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.output, !Contains("arning") && !Contains("rror") && !Contains("can't parse") &&
                             !Contains("Resistor") && !Contains("Vsource"));
  std::map<std::string, double> values;
  const std::regex printed(R"(v\(([a-z0-9_]+)\) = (\S+))");
  std::istringstream lines(run.output);
  std::smatch m;
  for (std::string line; std::getline(lines, line);)
    if (std::regex_match(line, m, printed)) values[m[1]] = std::stod(m[2]);
  return values;
}

}  // namespace

TEST_CASE("deck: the free phase writes one resistor per edge and a source per input", "[netlist]") {
  const std::string deck = build_deck(test::divider(), Drive{});
  CHECK_THAT(deck, Contains("r_R1 n_in n_out 1000\n"));
  CHECK_THAT(deck, Contains("r_R2 n_out 0 3000\n"));
  CHECK_THAT(deck, Contains("vin0 n_in 0 dc 1\n"));
  CHECK_THAT(deck, Contains("inudge0 0 n_out dc 0\n"));
  CHECK_THAT(deck, Contains(".end\n"));
}

TEST_CASE("deck: numbers round-trip at full precision", "[netlist]") {
  Network net = test::divider();
  net.edges[0].siemens = 1.0 / 1234.5678901234567;
  const std::string deck = build_deck(net, Drive{});
  CHECK_THAT(deck, Contains("r_R1 n_in n_out 1234.5678901234567\n"));
}

TEST_CASE("deck: a name that is not a plain identifier never reaches the deck", "[netlist]") {
  Network net = test::divider();
  net.edges[0].name = "R1;shell rm";
  CHECK_THROWS_AS(build_deck(net, Drive{}), InputError);
  net = test::divider();
  net.node_names[2] = "out`ls`";
  CHECK_THROWS_AS(build_deck(net, Drive{}), InputError);
}

TEST_CASE("deck: a clamped drive with the wrong number of values names the field", "[netlist]") {
  Drive d;
  d.phase = Phase::Clamped;
  d.clamp_volts = {0.1, 0.2};
  try {
    build_deck(test::divider(), d);
    FAIL("expected an error");
  } catch (const InputError& e) {
    CHECK(e.id() == "netlist.drive_size");
    CHECK(e.where() == "drive.clamp_volts");
  }
}

TEST_CASE("deck: ngspice -b prints the divider's analytic voltage in every phase", "[netlist][ngspice]") {
  REQUIRE(have_ngspice());  // tools/test.sh installs Debian's ngspice program
  DeckOptions opt;
  opt.print_results = true;

  auto free = run_batch(build_deck(test::divider(), Drive{}, opt));
  REQUIRE(free.count("n_out"));
  CHECK_THAT(free["n_out"], WithinRel(0.75, 1e-12));

  Drive clamp;
  clamp.phase = Phase::Clamped;
  clamp.clamp_volts = {0.4};
  auto clamped = run_batch(build_deck(test::divider(), clamp, opt));
  CHECK_THAT(clamped["n_out"], WithinRel(0.4, 1e-12));

  // 0.1 mA into out: V_out = 0.75 + 1e-4 * (1k || 3k) = 0.825.
  Drive nudge;
  nudge.phase = Phase::Nudged;
  nudge.nudge_amps = {1e-4};
  auto nudged = run_batch(build_deck(test::divider(), nudge, opt));
  CHECK_THAT(nudged["n_out"], WithinRel(0.825, 1e-12));

  // Twin: clamped copy out = (1 - eta) 0.75 + eta * T.
  Drive twin;
  twin.phase = Phase::Twin;
  twin.twin_eta = 0.5;
  twin.twin_targets = {0.25};
  auto both = run_batch(build_deck(test::divider(), twin, opt));
  CHECK_THAT(both["n_out"], WithinRel(0.75, 1e-12));
  CHECK_THAT(both["c_out"], WithinRel(0.5, 1e-12));
}
