// The digipot bank's SCPI side on the lab16_digipot bench (channels 1..16 on edges e0..e15,
// 128-position devices): exact replies and errors, the board's belief against the true wiper, and
// the circuit the simulator sees compared with a reference solve of a freshly loaded network.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "drivers/scpi/response.hpp"
#include "drivers/scpi/session.hpp"
#include "drivers/standins/digipot/digipot_bank.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/spice/ngspice_simulator.hpp"
#include "emulator/spice/worker_path.hpp"
#include "helpers.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using standins_test::ask;

namespace {

const char* const kBench = "lab16_digipot.json";

struct DigipotRig {
  explicit DigipotRig(Simulator& sim)
      : bench(load_bench_file(standins_test::bench_path(kBench)), sim), bank(bench), session(bank.tree(), bank.status()) {}

  std::string operator()(std::string_view line) { return ask(session, line); }

  // Sources on, so that every edge carries current and every code shows in the node voltages.
  void drive_inputs() {
    for (int ch = 1; ch <= bench.source_channel_count(); ++ch) {
      bench.set_source_volts(ch, 0.3 * ch - 0.7);
      bench.set_output(ch, true);
    }
  }

  Bench bench;
  standins::DigipotBank bank;
  scpi::Session session;
};

// The network as the file gives it, with the given codes set through the device law.
Network network_with_codes(const std::map<int, int>& code_by_channel) {
  BenchConfig fresh = load_bench_file(standins_test::bench_path(kBench));
  for (const auto& [channel, code] : code_by_channel) {
    Edge& e = fresh.network.edges[static_cast<std::size_t>(fresh.digipots[static_cast<std::size_t>(channel - 1)].edge)];
    e.code = code;
    e.siemens = digipot_siemens(e, code);
  }
  return fresh.network;
}

void check_truth_equals_reference(Bench& bench, const std::map<int, int>& codes) {
  IdealSimulator reference;
  reference.load(network_with_codes(codes));
  const State expected = reference.solve(bench.drive());
  const State& got = bench.truth();
  REQUIRE(got.node_volts.size() == expected.node_volts.size());
  for (std::size_t n = 0; n < got.node_volts.size(); ++n)
    CHECK_THAT(got.node_volts[n], WithinAbs(expected.node_volts[n], 1e-12));
}

std::vector<int> true_codes(const Bench& bench) {
  std::vector<int> out;
  for (int ch = 1; ch <= 16; ++ch) out.push_back(bench.digipot_code(ch));
  return out;
}

std::vector<int> believed_codes(const standins::DigipotBank& bank) {
  std::vector<int> out;
  for (int ch = 1; ch <= 16; ++ch) out.push_back(bank.board().code(ch));
  return out;
}

}  // namespace

TEST_CASE("digipot: *IDN?, the installed channels and the taps of each device") {
  IdealSimulator sim;
  DigipotRig rig(sim);
  CHECK(rig("*IDN?") == "spiceloop,DPOT-BANK-emulated,SL-DPOT-0001,0.1");
  CHECK(rig("SYST:CHAN?") == "+16");
  CHECK(rig("SYSTem:CHANnel:COUNt?") == "+16");
  CHECK(rig("SYST:CHAN:LIST?") == "(@1:16)");
  CHECK(rig("DPOT:TAPS? (@16,1)") == "+128,+128");
  CHECK(rig("SYST:ERR?") == "+0,\"No error\"");
}

TEST_CASE("digipot: the bank starts believing the codes the network file gives") {
  IdealSimulator sim;
  DigipotRig rig(sim);
  const Network file = network_with_codes({});
  std::string expected;
  for (int e = 0; e < 16; ++e) {  // appended piecewise: GCC 12 -O3 warns falsely (-Wrestrict) on "," + string
    if (e) expected += ',';
    expected += scpi::nr1(file.edges[static_cast<std::size_t>(e)].code);
  }
  CHECK(rig("DPOT:CODE?") == expected);
  CHECK(rig("DPOT:CODE? (@1:16)") == expected);
  CHECK(believed_codes(rig.bank) == true_codes(rig.bench));
}

TEST_CASE("digipot: codes set over SCPI give the circuit a reference solve of those codes gives") {
  IdealSimulator sim;
  DigipotRig rig(sim);
  rig.drive_inputs();
  const std::vector<double> before = rig.bench.truth().node_volts;
  CHECK(rig("DPOT:CODE 5,(@1);CODE 127,(@2,3);:DPOT:CODE 0,(@16)") == "");
  CHECK(rig("DPOT:CODE 77,(@9:11)") == "");
  CHECK(rig("SYST:ERR?") == "+0,\"No error\"");
  CHECK(rig("DPOT:CODE? (@16,1,2,3,9,10,11)") == "+0,+5,+127,+127,+77,+77,+77");
  CHECK(rig.bench.truth().node_volts != before);
  check_truth_equals_reference(rig.bench, {{1, 5}, {2, 127}, {3, 127}, {16, 0}, {9, 77}, {10, 77}, {11, 77}});
  CHECK(believed_codes(rig.bank) == true_codes(rig.bench));
}

TEST_CASE("digipot: several units in one message, relative and absolute, answer joined by ;") {
  IdealSimulator sim;
  DigipotRig rig(sim);
  CHECK(rig("DPOT:CODE 5,(@1);CODE 9,(@2)") == "");
  CHECK(rig("DPOT:CODE? (@1);CODE? (@2)") == "+5;+9");
  CHECK(rig("DPOT:CODE 6,(@1);:DPOT:CODE 10,(@2);:DPOT:CODE? (@1:2);:SYST:ERR?") == "+6,+10;+0,\"No error\"");
  CHECK(rig.bench.digipot_code(1) == 6);
  CHECK(rig.bench.digipot_code(2) == 10);
}

TEST_CASE("digipot: DPOT:RES? answers the nominal resistance of the believed code") {
  IdealSimulator sim;
  DigipotRig rig(sim);
  rig("DPOT:CODE 0,(@1);CODE 64,(@2);CODE 127,(@3)");
  const Network& net = rig.bench.network();
  CHECK(rig("DPOT:RES? (@3,1,2)") == scpi::nr3(digipot_ohms(net.edges[2], 127)) + "," +
                                         scpi::nr3(digipot_ohms(net.edges[0], 0)) + "," +
                                         scpi::nr3(digipot_ohms(net.edges[1], 64)));
  CHECK(rig("DPOT:RESISTANCE? (@1)") == "+5.00000000E+01");  // the wiper alone at code 0
  const std::vector<double> all = standins_test::numbers(rig("DPOT:RES?"));
  REQUIRE(all.size() == 16);
  CHECK_THAT(all[1], WithinRel(1.0 / rig.bench.true_conductances()[1], 1e-8));
}

TEST_CASE("digipot: MIN, MAX, DEF and non-integral codes") {
  IdealSimulator sim;
  DigipotRig rig(sim);
  rig("DPOT:CODE MAX,(@1);CODE MIN,(@2);CODE DEF,(@3);CODE 5.6,(@4);CODE 1.2E1,(@5)");
  CHECK(rig("DPOT:CODE? (@1:5)") == "+127,+0,+64,+6,+12");
  CHECK(rig("SYST:ERR?") == "+0,\"No error\"");
}

TEST_CASE("digipot: a code outside 0..taps-1 is -222 and the unit changes no channel") {
  IdealSimulator sim;
  DigipotRig rig(sim);
  rig("DPOT:CODE 10,(@1:3)");
  rig("DPOT:CODE 128,(@1)");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range;code 128 outside 0..127 of channel 1\"");
  rig("DPOT:CODE -1,(@2)");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range;code -1 outside 0..127 of channel 2\"");
  rig("DPOT:CODE 1e999,(@2)");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range\"");
  rig("DPOT:CODE 127.6,(@2)");  // rounds to 128
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range;code 128 outside 0..127 of channel 2\"");
  CHECK(rig("DPOT:CODE? (@1:3)") == "+10,+10,+10");
  CHECK(true_codes(rig.bench)[0] == 10);
}

TEST_CASE("digipot: a channel the bench lacks is -222 and the unit changes no channel") {
  IdealSimulator sim;
  DigipotRig rig(sim);
  rig("DPOT:CODE 10,(@1:2)");
  rig("DPOT:CODE 20,(@1,17)");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range;channel 17 not installed (@1:16)\"");
  rig("DPOT:STEP UP,3,(@2,0)");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range;channel 0 not installed (@1:16)\"");
  CHECK(rig("DPOT:CODE? (@16:18)") == "");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range;channel 17 not installed (@1:16)\"");
  CHECK(rig("DPOT:RES? (@99)") == "");
  CHECK(rig("DPOT:TAPS? (@99)") == "");
  CHECK(rig("SYST:ERR:COUN?") == "+2");
  CHECK(rig("DPOT:CODE? (@1:2)") == "+10,+10");
  CHECK(rig.bench.digipot_code(1) == 10);
  CHECK(rig.bench.digipot_code(2) == 10);
}

TEST_CASE("digipot: malformed commands give their SCPI codes and change nothing") {
  IdealSimulator sim;
  DigipotRig rig(sim);
  rig("DPOT:CODE 10,(@1)");
  rig("DPOT:CODE 5");
  CHECK(rig("SYST:ERR?") == "-109,\"Missing parameter\"");
  rig("DPOT:CODE 5,(@1),3");
  CHECK(rig("SYST:ERR?") == "-108,\"Parameter not allowed\"");
  rig("DPOT:CODE 5 V,(@1)");
  CHECK(rig("SYST:ERR?") == "-138,\"Suffix not allowed\"");
  rig("DPOT:CODE HIGH,(@1)");
  CHECK(rig("SYST:ERR?") == "-104,\"Data type error\"");
  rig("DPOT:STEP SIDEWAYS,1,(@1)");
  CHECK(rig("SYST:ERR?") == "-141,\"Invalid character data\"");
  rig("DPOT:STEP UP,(@1)");
  CHECK(rig("SYST:ERR?") == "-109,\"Missing parameter\"");
  rig("DPOT:STEP UP,65536,(@1)");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range;step count outside 0..65535\"");
  rig("DPOT:STEP UP,-1,(@1)");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range;step count outside 0..65535\"");
  rig("DPOT:WIPE 3,(@1)");
  CHECK(rig("SYST:ERR?") == "-113,\"Undefined header\"");
  CHECK(rig("DPOT:CODE? (@1)") == "+10");
  CHECK(rig.bench.digipot_code(1) == 10);
}

TEST_CASE("digipot: STEP moves belief and wiper together with the knobs off, clipped at both ends") {
  IdealSimulator sim;
  DigipotRig rig(sim);
  rig.drive_inputs();
  rig("DPOT:CODE 10,(@1,2);CODE 120,(@3)");
  rig("DPOT:STEP UP,5,(@1);STEP DOWN,4,(@2);STEP UP,50,(@3);STEP DOWN,0,(@1)");
  CHECK(rig("SYST:ERR?") == "+0,\"No error\"");
  CHECK(rig("DPOT:CODE? (@1:3)") == "+15,+6,+127");
  CHECK(believed_codes(rig.bank) == true_codes(rig.bench));
  rig("DPOT:STEP DOWN,1000,(@1:3)");
  CHECK(rig("DPOT:CODE? (@1:3)") == "+0,+0,+0");
  CHECK(believed_codes(rig.bank) == true_codes(rig.bench));
  rig("DPOT:STEP UP,65535,(@4)");  // the wiper saturates at the top code, never beyond
  CHECK(rig("DPOT:CODE? (@4)") == "+127");
  CHECK(rig.bench.digipot_code(4) == 127);
  std::map<int, int> codes;
  for (int ch = 1; ch <= 16; ++ch) codes[ch] = rig.bench.digipot_code(ch);
  check_truth_equals_reference(rig.bench, codes);
}

TEST_CASE("digipot: *RST puts every wiper and belief at midscale and keeps the error queue") {
  IdealSimulator sim;
  DigipotRig rig(sim);
  rig("DPOT:CODE 3,(@1:16)");
  rig("DPOT:CODE 500,(@1)");
  rig("*RST");
  CHECK(rig("DPOT:CODE? (@1,8,16)") == "+64,+64,+64");
  CHECK(true_codes(rig.bench) == std::vector<int>(16, 64));
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range;code 500 outside 0..127 of channel 1\"");
}

TEST_CASE("digipot: with missed steps the belief and the wiper diverge, repeatably for a seed") {
  auto run = [](std::uint64_t seed) {
    IdealSimulator sim;
    DigipotRig rig(sim);
    Realism k;
    k.seed = seed;
    k.digipot_miss_probability = 0.5;
    rig.bench.set_realism(k);
    rig("DPOT:CODE 0,(@1:16)");
    rig("DPOT:CODE 100,(@1:16);:DPOT:STEP DOWN,30,(@1:8)");
    REQUIRE(rig("SYST:ERR?") == "+0,\"No error\"");
    REQUIRE(rig("DPOT:CODE? (@1,9)") == "+70,+100");  // the belief is what was asked for
    CHECK(believed_codes(rig.bank) != true_codes(rig.bench));
    // DPOT:RES? reports the belief; the network sees the wiper.
    CHECK(rig("DPOT:RES? (@9)") == scpi::nr3(digipot_ohms(rig.bench.network().edges[8], 100)));
    std::map<int, int> codes;
    for (int ch = 1; ch <= 16; ++ch) codes[ch] = rig.bench.digipot_code(ch);
    check_truth_equals_reference(rig.bench, codes);
    return true_codes(rig.bench);
  };
  const std::vector<int> first = run(7);
  CHECK(run(7) == first);
  CHECK(run(8) != first);
}

TEST_CASE("digipot: stepping down past the range re-homes a wiper that missed steps") {
  IdealSimulator sim;
  DigipotRig rig(sim);
  Realism k;
  k.seed = 3;
  k.digipot_miss_probability = 0.3;
  k.digipot_double_probability = 0.2;
  rig.bench.set_realism(k);
  rig("DPOT:CODE 90,(@1:16)");
  CHECK(believed_codes(rig.bank) != true_codes(rig.bench));
  rig("DPOT:STEP DOWN,1000,(@1:16)");
  CHECK(believed_codes(rig.bank) == std::vector<int>(16, 0));
  CHECK(true_codes(rig.bench) == std::vector<int>(16, 0));
}

TEST_CASE("digipot: two connections share one bank") {
  IdealSimulator sim;
  DigipotRig rig(sim);
  scpi::Session other(rig.bank.tree(), rig.bank.status());
  ask(other, "DPOT:CODE 33,(@4)");
  CHECK(rig("DPOT:CODE? (@4)") == "+33");
}

TEST_CASE("digipot on ngspice: codes set over SCPI give the circuit the ideal solve gives", "[ngspice]") {
  REQUIRE(std::filesystem::exists(ngspice_worker_path()));
  NgspiceSimulator sim;
  DigipotRig rig(sim);
  rig.drive_inputs();
  rig("DPOT:CODE 5,(@1);CODE 120,(@2:4);CODE 64,(@16)");
  REQUIRE(rig("SYST:ERR?") == "+0,\"No error\"");
  IdealSimulator reference;
  reference.load(network_with_codes({{1, 5}, {2, 120}, {3, 120}, {4, 120}, {16, 64}}));
  const State expected = reference.solve(rig.bench.drive());
  for (int n = 0; n < rig.bench.network().node_count(); ++n)
    CHECK_THAT(rig.bench.measure_node_volts(n), WithinAbs(expected.node_volts[static_cast<std::size_t>(n)], 1e-9));
}

TEST_CASE("digipot bank: a wiper another stand-in moves moves the board's belief with it") {
  spiceloop::IdealSimulator sim;
  spiceloop::Bench bench(spiceloop::load_bench_file(standins_test::bench_path("lab16_digipot.json")), sim);
  spiceloop::standins::DigipotBank bank(bench);
  spiceloop::scpi::Session session(bank.tree(), bank.status());
  const int before = bench.digipot_code(3);
  bench.set_digipot_code(3, before > 10 ? before - 7 : before + 7);  // as the learning clock does
  CHECK(standins_test::ask(session, "DPOT:CODE? (@3)") == fmt::format("+{}", bench.digipot_code(3)));
  const std::string stepped = standins_test::ask(session, "DPOT:STEP UP,2,(@3);:DPOT:CODE? (@3)");
  CHECK(stepped == fmt::format("+{}", bench.digipot_code(3)));
}
