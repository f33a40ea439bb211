// The scanner stand-in (34970A dialect) on the lab16 and scan64 benches, driven through a Session as
// a socket would, with the source stand-in setting the inputs of the same bench. Readings are
// compared with a reference solve of the same circuit.
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "drivers/standins/scanner/scanner.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "helpers.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using standins_test::numbers;

namespace {

// A scanner and a source on one bench, one connection to each.
struct ScannerRig {
  explicit ScannerRig(Simulator& sim, std::string_view bench_file = "lab16.json")
      : ScannerRig(load_bench_file(standins_test::bench_path(bench_file)), sim) {}
  ScannerRig(BenchConfig config, Simulator& sim)
      : bench(std::move(config), sim),
        source(bench),
        scanner(bench),
        source_session(source.tree(), source.status()),
        session(scanner.tree(), scanner.status()) {}

  std::string operator()(std::string_view line) { return standins_test::ask(session, line); }
  std::string src(std::string_view line) { return standins_test::ask(source_session, line); }

  Bench bench;
  standins::Source source;
  standins::Scanner scanner;
  scpi::Session source_session;
  scpi::Session session;
};

// What channel `ch` of the bench reads in this solved state: V(plus) - V(minus).
double expected_volts(const Bench& bench, const State& state, int ch) {
  const ScannerChannel* c = bench.find_scanner_channel(ch);
  REQUIRE(c != nullptr);
  return state.node_volts.at(static_cast<std::size_t>(c->plus)) - state.node_volts.at(static_cast<std::size_t>(c->minus));
}

// NR3 answers carry nine significant digits.
void check_close(double answered, double expected) {
  CHECK_THAT(answered, WithinRel(expected, 1e-8) || WithinAbs(expected, 1e-15));
}

// The bytes of a definite-length block `#<d><len><bytes>`, checking its header.
std::string block_payload(const std::string& block) {
  REQUIRE(block.size() >= 2);
  REQUIRE(block[0] == '#');
  const int digits = block[1] - '0';
  REQUIRE(digits >= 1);
  REQUIRE(block.size() >= 2 + static_cast<std::size_t>(digits));
  const std::size_t length = std::stoul(block.substr(2, static_cast<std::size_t>(digits)));
  REQUIRE(block.size() == 2 + static_cast<std::size_t>(digits) + length);
  return block.substr(2 + static_cast<std::size_t>(digits));
}

std::vector<double> decode_real64(const std::string& block, bool swapped = false) {
  const std::string bytes = block_payload(block);
  REQUIRE(bytes.size() % 8 == 0);
  std::vector<double> out;
  for (std::size_t i = 0; i < bytes.size(); i += 8) {
    std::uint64_t bits = 0;
    for (std::size_t k = 0; k < 8; ++k)
      bits = (bits << 8) | static_cast<unsigned char>(bytes[i + (swapped ? 7 - k : k)]);
    out.push_back(std::bit_cast<double>(bits));
  }
  return out;
}

const std::vector<double> kInputVolts{0.7, -0.4, 1.3, 0.2};

void drive_inputs(ScannerRig& rig) {
  rig.src("VOLT 0.7,(@1);VOLT -0.4,(@2);VOLT 1.3,(@3);VOLT 0.2,(@4);:OUTP ON,(@1:4)");
  REQUIRE(rig.src("SYST:ERR?") == "+0,\"No error\"");
}

State reference_state(const Network& network, const std::vector<double>& input_volts) {
  IdealSimulator reference;
  reference.load(network);
  return reference.solve(standins_test::free_drive(input_volts));
}

}  // namespace

TEST_CASE("scanner: *IDN? answers four fields and the power-on state is the 34970A's after *RST") {
  IdealSimulator sim;
  ScannerRig rig(sim);
  CHECK(rig("*IDN?") == "spiceloop,34970A-emulated,SL-34970A-0001,0.1");
  CHECK(rig("ROUT:SCAN?") == "#13(@)");
  CHECK(rig("ROUT:SCAN:SIZE?") == "+0");
  CHECK(rig("TRIG:SOUR?") == "IMM");
  CHECK(rig("TRIG:COUN?") == "+1");
  CHECK(rig("VOLT:DC:NPLC? (@101,110)") == "+1.00000000E+00,+1.00000000E+00");
  CHECK(rig("CONF? (@105)") == "\"VOLT +1.00000000E+01,+3.00000000E-05\"");
  CHECK(rig("FORM:READ:CHAN?") == "0");
  CHECK(rig("FORM?") == "ASC");
  CHECK(rig("SYST:ERR?") == "+0,\"No error\"");
}

TEST_CASE("scanner: MEAS:VOLT:DC? reads every channel as the ideal solve of the same circuit, in the order asked") {
  IdealSimulator sim;
  ScannerRig rig(sim);
  drive_inputs(rig);
  const State expected = reference_state(rig.bench.network(), kInputVolts);

  const std::vector<double> volts = numbers(rig("MEAS:VOLT:DC? (@101:110)"));
  REQUIRE(volts.size() == 10);
  for (int ch = 101; ch <= 110; ++ch) check_close(volts[static_cast<std::size_t>(ch - 101)], expected_volts(rig.bench, expected, ch));

  const std::vector<double> reordered = numbers(rig("MEASure:VOLTage? (@110,103,101)"));
  REQUIRE(reordered.size() == 3);
  check_close(reordered[0], expected_volts(rig.bench, expected, 110));
  check_close(reordered[1], expected_volts(rig.bench, expected, 103));
  check_close(reordered[2], expected_volts(rig.bench, expected, 101));
  CHECK(rig("ROUT:SCAN?") == "#214(@110,103,101)");
  CHECK(rig("SYST:ERR?") == "+0,\"No error\"");
}

TEST_CASE("scanner: readings follow what the source sets on the shared bench") {
  IdealSimulator sim;
  ScannerRig rig(sim);
  rig("CONF:VOLT:DC (@101,104)");
  rig.src("VOLT 1.25,(@1);OUTP ON,(@1)");
  CHECK(rig("READ?") == "+1.25000000E+00,+0.00000000E+00");
  rig.src("VOLT -2,(@2);OUTP ON,(@2)");
  CHECK(rig("READ?") == "+1.25000000E+00,-2.00000000E+00");
}

TEST_CASE("scanner: CONF sets range, resolution and the scan list; CONF? and ROUT:SCAN? answer them") {
  IdealSimulator sim;
  ScannerRig rig(sim);
  CHECK(rig("CONF:VOLT:DC (@101:103)") == "");
  CHECK(rig("ROUT:SCAN?") == "#214(@101,102,103)");
  CHECK(rig("ROUT:SCAN:SIZE?") == "+3");

  rig("CONF:VOLT:DC 1,3e-6,(@101)");  // 3 ppm of the 1 V range: NPLC 1
  CHECK(rig("CONF? (@101)") == "\"VOLT +1.00000000E+00,+3.00000000E-06\"");
  rig("CONF:VOLT 5,MIN,(@102)");  // 5 V needs the 10 V range; MIN resolution is NPLC 200
  CHECK(rig("CONF? (@102)") == "\"VOLT +1.00000000E+01,+2.20000000E-06\"");
  CHECK(rig("VOLT:NPLC? (@102)") == "+2.00000000E+02");
  rig("CONF:VOLT:DC 100 mV,MAX,(@103)");
  CHECK(rig("SENS:VOLT:DC:NPLC? (@103)") == "+2.00000000E-02");
  rig("CONF:VOLT:DC AUTO,(@104,105)");
  CHECK(rig("CONF?") == "\"VOLT +1.00000000E+01,+3.00000000E-05\",\"VOLT +1.00000000E+01,+3.00000000E-05\"");
  CHECK(rig("ROUT:SCAN?") == "#210(@104,105)");
  CHECK(rig("SYST:ERR?") == "+0,\"No error\"");

  rig("CONF:VOLT:DC 10,1e-7,(@101)");
  CHECK(rig("SYST:ERR?") ==
        "-222,\"Data out of range;resolution finer than +2.20E-06 V on the +1.00E+01 V range\"");
  rig("CONF:VOLT:DC 301,(@101)");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range\"");
  CHECK(rig("ROUT:SCAN?") == "#210(@104,105)");
  CHECK(rig("CONF? (@101)") == "\"VOLT +1.00000000E+00,+3.00000000E-06\"");

  rig("ROUT:SCAN (@)");
  CHECK(rig("ROUT:SCAN?") == "#13(@)");
  CHECK(rig("ROUT:SCAN:SIZE?") == "+0");
}

TEST_CASE("scanner: NPLC rounds up to the 34970A's steps and is refused outside 0.02..200") {
  IdealSimulator sim;
  ScannerRig rig(sim);
  rig("VOLT:DC:NPLC 5,(@101:102)");
  rig("SENS:VOLT:NPLC 0.02,(@103)");
  CHECK(rig("VOLT:DC:NPLC? (@101,102,103,104)") == "+1.00000000E+01,+1.00000000E+01,+2.00000000E-02,+1.00000000E+00");
  rig("VOLT:DC:NPLC 0.01,(@101)");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range\"");
  rig("VOLT:DC:NPLC 201,(@101)");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range\"");
  rig("VOLT:DC:NPLC 100,(@101,111)");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range;channel 111 not installed\"");
  CHECK(rig("VOLT:DC:NPLC? (@101)") == "+1.00000000E+01");
  rig("ROUT:SCAN (@104,105);:VOLT:DC:NPLC MAX");  // no list: the scan list
  CHECK(rig("VOLT:DC:NPLC?") == "+2.00000000E+02,+2.00000000E+02");
  CHECK(rig("SYST:ERR?") == "+0,\"No error\"");
}

TEST_CASE("scanner: INIT and FETC? give what READ? and MEAS? give; TRIG:COUN 3 takes three sweeps") {
  IdealSimulator sim;
  ScannerRig rig(sim);
  drive_inputs(rig);
  const std::string once = rig("MEAS:VOLT:DC? (@102,108,110)");
  CHECK(rig("INIT") == "");
  CHECK(rig("FETC?") == once);
  CHECK(rig("FETC?") == once);  // FETC? keeps the readings
  CHECK(rig("READ?") == once);

  rig("TRIG:COUN 3");
  CHECK(rig("TRIG:COUN?") == "+3");
  const std::string three = rig("READ?");
  CHECK(three == once + "," + once + "," + once);
  CHECK(numbers(three).size() == 9);
  rig("INIT");
  CHECK(rig("FETC?") == three);  // a new scan replaces the memory, never appends
  CHECK(rig("MEAS:VOLT:DC? (@102,108,110)") == once);  // MEAS? takes one sweep whatever TRIG:COUN says
}

TEST_CASE("scanner: R? removes the oldest readings into an ASCII block and FETC? then finds memory empty") {
  IdealSimulator sim;
  ScannerRig rig(sim);
  drive_inputs(rig);
  rig("ROUT:SCAN (@101,102);:TRIG:COUN 2;:INIT");
  const std::vector<double> all = numbers(rig("FETC?"));
  REQUIRE(all.size() == 4);

  const std::string first = rig("R? 3");
  const std::string first_text = block_payload(first);
  CHECK(numbers(first_text) == std::vector<double>(all.begin(), all.begin() + 3));
  CHECK(first.substr(0, 4) == "#247");  // three 15-character NR3 readings and two commas
  CHECK(numbers(block_payload(rig("R?"))) == std::vector<double>{all[3]});
  CHECK(rig("R?") == "#10");
  CHECK(rig("FETC?") == "");
  CHECK(rig("SYST:ERR?") == "-230,\"Data corrupt or stale;no readings in memory\"");
  rig("R? 0");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range\"");
}

TEST_CASE("scanner: FORM REAL,64 answers MEAS?, READ? and FETC? as blocks holding the readings bit for bit") {
  IdealSimulator sim;
  ScannerRig rig(sim);
  drive_inputs(rig);
  std::vector<double> exact;
  for (int ch = 101; ch <= 110; ++ch) exact.push_back(rig.bench.measure_scanner_volts(ch));

  rig("FORM:DATA REAL,64");
  const std::string block = rig("MEAS:VOLT:DC? (@101:110)");
  CHECK(block.substr(0, 4) == "#280");
  const std::vector<double> decoded = decode_real64(block);
  REQUIRE(decoded.size() == exact.size());
  for (std::size_t i = 0; i < exact.size(); ++i) CHECK(std::bit_cast<std::uint64_t>(decoded[i]) == std::bit_cast<std::uint64_t>(exact[i]));
  CHECK(rig("READ?") == block);
  CHECK(rig("FETC?") == block);

  rig("FORM:BORD SWAP;:FORM:READ:CHAN ON");  // channel tags are an ASCII feature: the block holds readings only
  CHECK(decode_real64(rig("READ?"), true) == decoded);
  rig("FORM:DATA ASC");
  CHECK(numbers(rig("READ?")).size() == 20);
}

TEST_CASE("scanner: FORM:READ:CHAN ON follows each ASCII reading with its channel number") {
  IdealSimulator sim;
  ScannerRig rig(sim);
  drive_inputs(rig);
  const double v101 = rig.bench.measure_scanner_volts(101), v110 = rig.bench.measure_scanner_volts(110);
  rig("FORM:READ:CHAN ON");
  CHECK(rig("FORM:READ:CHAN?") == "1");
  const std::string expected = scpi::nr3(v110) + ",110," + scpi::nr3(v101) + ",101";
  CHECK(rig("MEAS:VOLT:DC? (@110,101)") == expected);
  CHECK(rig("R?") == scpi::definite_block(expected));
  rig("FORM:READ:CHAN OFF");
  CHECK(rig("READ?") == scpi::nr3(v110) + "," + scpi::nr3(v101));
}

TEST_CASE("scanner: TRIG:SOUR BUS arms on INIT and each *TRG takes one sweep") {
  IdealSimulator sim;
  ScannerRig rig(sim);
  drive_inputs(rig);
  const std::string once = rig("MEAS:VOLT:DC? (@101,102)");
  rig("TRIG:SOUR BUS;COUN 2");
  CHECK(rig("TRIG:SOUR?") == "BUS");
  rig("*TRG");
  CHECK(rig("SYST:ERR?") == "-211,\"Trigger ignored\"");
  rig("INIT");
  CHECK(rig.scanner.armed());
  CHECK(rig("FETC?") == "");
  CHECK(rig("SYST:ERR?") == "-230,\"Data corrupt or stale;scan waiting for *TRG (2 sweeps left)\"");
  rig("ROUT:SCAN (@103)");
  CHECK(rig("SYST:ERR?") == "-221,\"Settings conflict;scan waiting for *TRG; send ABOR first\"");
  rig("INIT");
  CHECK(rig("SYST:ERR?") == "-213,\"Init ignored;scan waiting for *TRG; send ABOR first\"");
  rig("*TRG");
  CHECK(rig.scanner.readings_in_memory() == 2);
  rig("*TRG");
  CHECK_FALSE(rig.scanner.armed());
  CHECK(rig("FETC?") == once + "," + once);
  rig("*TRG");
  CHECK(rig("SYST:ERR?") == "-211,\"Trigger ignored\"");

  CHECK(rig("READ?") == "");
  CHECK(rig("SYST:ERR?") == "-214,\"Trigger deadlock;READ? with TRIG:SOUR BUS; use INIT, *TRG, FETC?\"");

  rig("INIT;*TRG;:ABOR");  // ABOR keeps what the scan took so far
  CHECK_FALSE(rig.scanner.armed());
  CHECK(rig("FETC?") == once);
  rig("TRIG:SOUR EXT");  // no external trigger line on an emulated table: it fires at once
  CHECK(rig("READ?") == once + "," + once);
  CHECK(rig("SYST:ERR?") == "+0,\"No error\"");
}

TEST_CASE("scanner: a channel the bench lacks is -222 and the unit changes nothing") {
  IdealSimulator sim;
  ScannerRig rig(sim);
  rig("ROUT:SCAN (@101,102)");
  rig("ROUT:SCAN (@101,111)");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range;channel 111 not installed\"");
  CHECK(rig("ROUT:SCAN?") == "#210(@101,102)");
  rig("CONF:VOLT:DC 1,(@103,100)");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range;channel 100 not installed\"");
  CHECK(rig("CONF? (@103)") == "\"VOLT +1.00000000E+01,+3.00000000E-05\"");
  CHECK(rig("MEAS:VOLT:DC? (@199)") == "");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range;channel 199 not installed\"");
  CHECK(rig("ROUT:SCAN?") == "#210(@101,102)");
  rig("ROUT:SCAN 101");
  CHECK(rig("SYST:ERR?") == "-104,\"Data type error\"");
  rig("TRIG:COUN 0");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range\"");
  rig("TRIG:COUN 50001");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range\"");
  rig("TRIG:SOUR ALARM");
  CHECK(rig("SYST:ERR?") == "-141,\"Invalid character data\"");
  CHECK(rig("TRIG:COUN?;SOUR?") == "+1;IMM");
}

TEST_CASE("scanner: INIT, READ? and MEAS? on an empty scan list are -221") {
  IdealSimulator sim;
  ScannerRig rig(sim);
  rig("INIT");
  CHECK(rig("SYST:ERR?") == "-221,\"Settings conflict;empty scan list\"");
  CHECK(rig("READ?") == "");
  CHECK(rig("SYST:ERR?") == "-221,\"Settings conflict;empty scan list\"");
  CHECK(rig("MEAS:VOLT:DC? (@)") == "");
  CHECK(rig("SYST:ERR?") == "-221,\"Settings conflict;empty scan list\"");
  CHECK(rig("FETC?") == "");
  CHECK(rig("SYST:ERR?") == "-230,\"Data corrupt or stale;no readings in memory\"");
}

TEST_CASE("scanner: a fixed range reads +/-9.9E+37 beyond 120 % of it, as the 34970A's overload") {
  IdealSimulator sim;
  ScannerRig rig(sim);
  rig.src("VOLT 0.7,(@1);VOLT -0.7,(@2);OUTP ON,(@1:2)");
  CHECK(rig("MEAS:VOLT:DC? 0.1,(@101,104)") == "+9.90000000E+37,-9.90000000E+37");
  CHECK(rig("MEAS:VOLT:DC? 1,(@101,104)") == "+7.00000000E-01,-7.00000000E-01");
  CHECK(rig("MEAS:VOLT:DC? AUTO,DEF,(@101)") == "+7.00000000E-01");
}

TEST_CASE("scanner: a failed solve is -200 carrying the error id") {
  IdealSimulator sim;
  const nlohmann::json doc = {
      {"spiceloop_bench", 1},
      {"network", "../lab16.json"},
      {"source", {{{"channel", 1}, {"node", "n1"}}, {{"channel", 2}, {"node", "n2"}},
                  {{"channel", 3}, {"node", "n3"}}, {{"channel", 4}, {"node", "n8"}}}},
      {"scanner", {{{"channel", 101}, {"node", "n5"}}}}};
  ScannerRig rig(parse_bench(doc, "clamp_bench", test::bundled("benches")), sim);
  rig.src("OUTP ON,(@2)");  // one clamp of three: the clamped phase needs them all
  CHECK(rig("MEAS:VOLT:DC? (@101)") == "");
  CHECK(rig("SYST:ERR?") == "-200,\"Execution error;bench.partial_clamp\"");
  rig.src("OUTP ON,(@3:4)");
  CHECK(numbers(rig("READ?")).size() == 1);
}

TEST_CASE("scanner: *RST restores the power-on state and keeps the error queue") {
  IdealSimulator sim;
  ScannerRig rig(sim);
  rig("CONF:VOLT:DC 1,MIN,(@101:104);:TRIG:COUN 4;SOUR BUS;:FORM REAL,64;:FORM:READ:CHAN ON;:INIT");
  rig("ROUT:SCAN (@999)");  // an error, which *RST keeps
  rig("*RST");
  CHECK_FALSE(rig.scanner.armed());
  CHECK(rig("ROUT:SCAN?") == "#13(@)");
  CHECK(rig("TRIG:COUN?;SOUR?") == "+1;IMM");
  CHECK(rig("FORM?;:FORM:READ:CHAN?") == "ASC;0");
  CHECK(rig("CONF? (@101)") == "\"VOLT +1.00000000E+01,+3.00000000E-05\"");
  CHECK(rig("R?") == "#10");
  CHECK(rig("SYST:ERR?") == "-222,\"Data out of range;channel 999 not installed\"");
  CHECK(rig("SYST:ERR?") == "+0,\"No error\"");
}

TEST_CASE("scanner: with noise on, readings spread with the set sigma and repeat for the same seed") {
  IdealSimulator sim;
  ScannerRig rig(sim);
  drive_inputs(rig);
  const State expected = reference_state(rig.bench.network(), kInputVolts);
  const double truth = expected_volts(rig.bench, expected, 102);
  constexpr double kSigma = 1e-3;
  constexpr int kCount = 4000;
  Realism noisy;
  noisy.noise_volts = kSigma;
  noisy.seed = 7;
  rig.bench.set_realism(noisy);

  rig("ROUT:SCAN (@102);:TRIG:COUN 4000");
  const std::string first = rig("READ?");
  const std::vector<double> v = numbers(first);
  REQUIRE(v.size() == kCount);
  double mean = 0;
  for (double x : v) mean += x;
  mean /= kCount;
  double var = 0;
  for (double x : v) var += (x - mean) * (x - mean);
  const double sd = std::sqrt(var / (kCount - 1));
  // Five standard errors each: the mean's is sigma / sqrt(N), the sample sigma's about sigma / sqrt(2N).
  CHECK_THAT(mean, WithinAbs(truth, 5 * kSigma / std::sqrt(kCount)));
  CHECK_THAT(sd, WithinAbs(kSigma, 5 * kSigma / std::sqrt(2.0 * kCount)));

  rig.bench.set_realism(noisy);  // restarts the generator
  CHECK(rig("READ?") == first);
  noisy.seed = 8;
  rig.bench.set_realism(noisy);
  CHECK(rig("READ?") != first);
}

TEST_CASE("scanner: integration latency makes each reading take NPLC / line frequency") {
  IdealSimulator sim;
  ScannerRig rig(sim);
  Realism slow;
  slow.integration_latency = true;
  slow.line_hz = 50;
  rig.bench.set_realism(slow);
  rig("ROUT:SCAN (@101:105);:VOLT:DC:NPLC 2");
  const auto start = std::chrono::steady_clock::now();
  CHECK(numbers(rig("READ?")).size() == 5);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds >= 5 * 2 / 50.0);
}

TEST_CASE("scanner: the scan64 bench scans 64 channels as the ideal solve of its network") {
  IdealSimulator sim;
  ScannerRig rig(sim, "scan64.json");
  REQUIRE(rig.bench.config().scanner.size() >= 64);
  drive_inputs(rig);
  const State expected = reference_state(rig.bench.network(), kInputVolts);
  rig("FORM REAL,64;:CONF:VOLT:DC (@101:164)");
  CHECK(rig("ROUT:SCAN:SIZE?") == "+64");
  const std::vector<double> volts = decode_real64(rig("READ?"));
  REQUIRE(volts.size() == 64);
  for (int ch = 101; ch <= 164; ++ch)
    CHECK_THAT(volts[static_cast<std::size_t>(ch - 101)], WithinAbs(expected_volts(rig.bench, expected, ch), 1e-12));
}
