// The digipot board's plain line protocol (SET/INC/DEC/GET?/ALL?) on the lab16_digipot bench:
// exact answers and errors, framing under any split of the byte stream, bounded lines, random
// bytes, and the state it shares with the SCPI side of the same bank.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "drivers/scpi/session.hpp"
#include "drivers/standins/digipot/digipot_bank.hpp"
#include "drivers/standins/digipot/line_protocol.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "helpers.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;

namespace {

struct LineRig {
  explicit LineRig(Simulator& sim, standins::DigipotLineOptions options = {})
      : bench(load_bench_file(standins_test::bench_path("lab16_digipot.json")), sim),
        bank(bench),
        line(bank.board(), std::move(options)),
        session(bank.tree(), bank.status()) {}

  // One line in, its answer without the line ending ("" when none came).
  std::string operator()(std::string_view text) {
    line.feed(std::string(text) + "\n");
    std::string out = line.take_output();
    if (out.size() >= 2 && out.compare(out.size() - 2, 2, "\r\n") == 0) out.resize(out.size() - 2);
    return out;
  }
  std::string scpi(std::string_view text) { return standins_test::ask(session, text); }

  Bench bench;
  standins::DigipotBank bank;
  standins::DigipotLine line;
  scpi::Session session;
};

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

std::string joined(const std::vector<int>& codes) {
  std::string out;
  for (int c : codes) out += (out.empty() ? "" : " ") + std::to_string(c);
  return out;
}

}  // namespace

TEST_CASE("digipot line: SET, INC, DEC answer OK and GET?, ALL? answer the codes") {
  IdealSimulator sim;
  LineRig rig(sim);
  CHECK(rig("ALL?") == joined(true_codes(rig.bench)));
  CHECK(rig("SET 3 100") == "OK");
  CHECK(rig("GET? 3") == "100");
  CHECK(rig("INC 3 7") == "OK");
  CHECK(rig("GET? 3") == "107");
  CHECK(rig("DEC 3 20") == "OK");
  CHECK(rig("GET? 3") == "87");
  CHECK(rig("INC 3 0") == "OK");
  CHECK(rig.bench.digipot_code(3) == 87);
  CHECK(rig("INC 3 500") == "OK");
  CHECK(rig("GET? 3") == "127");
  CHECK(rig("DEC 3 500") == "OK");
  CHECK(rig("GET? 3") == "0");
  CHECK(rig.bench.digipot_code(3) == 0);
  CHECK(rig("SET 16 +5") == "OK");
  CHECK(rig("ALL?") == joined(true_codes(rig.bench)));
  CHECK(believed_codes(rig.bank) == true_codes(rig.bench));
}

TEST_CASE("digipot line: keywords are case-insensitive and words may be spaced by spaces or tabs") {
  IdealSimulator sim;
  LineRig rig(sim);
  CHECK(rig("set 1 12") == "OK");
  CHECK(rig("Get? 1") == "12");
  CHECK(rig("  inC\t1   3  ") == "OK");
  CHECK(rig("dec 1 2") == "OK");
  CHECK(rig("all?").substr(0, 3) == "13 ");
}

TEST_CASE("digipot line: every refusal answers one ERR line and moves nothing") {
  IdealSimulator sim;
  LineRig rig(sim);
  rig("SET 1 10");
  const std::vector<int> before = true_codes(rig.bench);
  CHECK(rig("SET 1 128") == "ERR code 128 out of range 0..127");
  CHECK(rig("SET 1 -1") == "ERR code -1 out of range 0..127");
  CHECK(rig("SET 1 99999999999999999999") == "ERR code beyond 1e15 out of range 0..127");
  CHECK(rig("SET 17 5") == "ERR no channel 17");
  CHECK(rig("GET? 0") == "ERR no channel 0");
  CHECK(rig("INC -3 1") == "ERR no channel -3");
  CHECK(rig("INC 1 65536") == "ERR steps 65536 out of range 0..65535");
  CHECK(rig("DEC 1 -2") == "ERR steps -2 out of range 0..65535");
  CHECK(rig("SET 1 5.5") == "ERR bad number");
  CHECK(rig("SET one 5") == "ERR bad number");
  CHECK(rig("SET 1 0x10") == "ERR bad number");
  CHECK(rig("SET 1 -") == "ERR bad number");
  CHECK(rig("SET 1") == "ERR missing argument");
  CHECK(rig("GET?") == "ERR missing argument");
  CHECK(rig("SET 1 2 3") == "ERR too many arguments");
  CHECK(rig("ALL? 1") == "ERR too many arguments");
  CHECK(rig("GET 1") == "ERR unknown command");
  CHECK(rig("RESET") == "ERR unknown command");
  CHECK(rig("*IDN?") == "ERR unknown command");
  CHECK(rig(std::string("SET 1 5\x01", 8)) == "ERR invalid character");
  CHECK(rig(std::string("SET\0 1 5", 8)) == "ERR invalid character");
  CHECK(rig("SET 1 \xff") == "ERR invalid character");
  CHECK(true_codes(rig.bench) == before);
  CHECK(rig("GET? 1") == "10");
}

TEST_CASE("digipot line: LF, CRLF and a bare CR end a line; blank lines answer nothing") {
  IdealSimulator sim;
  LineRig rig(sim);
  rig.line.feed("SET 1 4\nSET 2 5\r\nSET 3 6\rGET? 1\r\n\r\n\n   \t \nGET? 2\n\rGET? 3\r");
  CHECK(rig.line.take_output() == "OK\r\nOK\r\nOK\r\n4\r\n5\r\n6\r\n");
  rig.line.feed("GET? 1");
  CHECK(rig.line.take_output() == "");  // no line end yet
  rig.line.feed("\r\n");
  CHECK(rig.line.take_output() == "4\r\n");
}

TEST_CASE("digipot line: one byte at a time answers exactly what one feed answers") {
  IdealSimulator sim_a, sim_b;
  LineRig whole(sim_a), bytewise(sim_b);
  const std::string script = "SET 1 20\r\nINC 1 5\nDEC 2 3\r\nGET? 1\nbogus\r\n\nALL?\r\nSET 1 300\n" +
                             std::string(400, 'x') + "\r\nGET? 2\n";
  whole.line.feed(script);
  for (char c : script) bytewise.line.feed(std::string_view(&c, 1));
  const std::string expected = whole.line.take_output();
  CHECK(bytewise.line.take_output() == expected);
  CHECK(expected.find("OK\r\nOK\r\nOK\r\n25\r\nERR unknown command\r\n") == 0);
  CHECK(expected.find("ERR code 300 out of range 0..127\r\nERR line too long\r\n") != std::string::npos);
  CHECK(true_codes(whole.bench) == true_codes(bytewise.bench));
}

TEST_CASE("digipot line: a line over 256 bytes gives one ERR line too long and the next line works") {
  IdealSimulator sim;
  LineRig rig(sim);
  const std::string fits = "SET 1 42" + std::string(256 - 8, ' ');  // exactly the limit
  rig.line.feed(fits + "\r\n");
  CHECK(rig.line.take_output() == "OK\r\n");
  rig.line.feed("SET 1 43" + std::string(257 - 8, ' ') + "\n");  // one byte over
  CHECK(rig.line.take_output() == "ERR line too long\r\n");
  CHECK(rig("GET? 1") == "42");
  rig.line.feed(std::string(100000, 'S'));  // memory stays bounded while the line goes on
  rig.line.feed("ET 1 9\r\nGET? 1\n");
  CHECK(rig.line.take_output() == "ERR line too long\r\n42\r\n");
}

TEST_CASE("digipot line: random bytes give one answer per non-blank line and never break the board") {
  IdealSimulator sim;
  LineRig rig(sim);
  std::mt19937 gen(2024);  // fixed seed: a failure reproduces
  std::uniform_int_distribution<int> byte(0, 255);
  std::string noise;
  for (int i = 0; i < 20000; ++i) {
    const int b = byte(gen);
    // Extra line ends and keywords so that short lines, and sometimes commands, occur.
    if (b < 12) noise += '\n';
    else if (b < 16) noise += "SET ";
    else if (b < 20) noise += "INC 1 ";
    else noise += static_cast<char>(b);
  }
  noise += '\n';

  std::size_t expected_answers = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < noise.size(); ++i)
    if (noise[i] == '\n' || noise[i] == '\r') {
      const std::string_view seg(noise.data() + start, i - start);
      if (seg.size() > 256 || seg.find_first_not_of(" \t") != std::string_view::npos) ++expected_answers;
      start = i + 1;
    }

  for (std::size_t i = 0; i < noise.size(); i += 7) rig.line.feed(std::string_view(noise).substr(i, 7));
  const std::string out = rig.line.take_output();
  std::size_t answers = 0;
  for (std::size_t pos = 0; pos < out.size();) {
    const std::size_t end = out.find("\r\n", pos);
    REQUIRE(end != std::string::npos);
    const std::string a = out.substr(pos, end - pos);
    const bool number = !a.empty() && a.find_first_not_of("0123456789 ") == std::string::npos;
    CHECK((a == "OK" || number || a.rfind("ERR ", 0) == 0));
    ++answers;
    pos = end + 2;
  }
  CHECK(answers == expected_answers);
  CHECK(rig("SET 2 77") == "OK");
  CHECK(rig("GET? 2") == "77");
  CHECK(believed_codes(rig.bank) == true_codes(rig.bench));
}

TEST_CASE("digipot line: the line side and the SCPI side share one belief and one bench") {
  IdealSimulator sim;
  LineRig rig(sim);
  CHECK(rig("SET 5 99") == "OK");
  CHECK(rig.scpi("DPOT:CODE? (@5)") == "+99");
  CHECK(rig.scpi("DPOT:CODE 12,(@6);STEP UP,3,(@6)") == "");
  CHECK(rig("GET? 6") == "15");
  CHECK(rig("ALL?") == joined(believed_codes(rig.bank)));
  CHECK(rig.bench.digipot_code(5) == 99);
  CHECK(rig.bench.digipot_code(6) == 15);
  rig.scpi("*RST");
  CHECK(rig("GET? 5") == "64");

  // With missed steps the belief both sides report is the same, and differs from the wiper.
  Realism k;
  k.seed = 11;
  k.digipot_miss_probability = 0.5;
  rig.bench.set_realism(k);
  for (int ch = 1; ch <= 16; ++ch) REQUIRE(rig("SET " + std::to_string(ch) + " 120") == "OK");
  CHECK(rig.scpi("DPOT:CODE? (@1,16)") == "+120,+120");
  CHECK(believed_codes(rig.bank) != true_codes(rig.bench));
}

TEST_CASE("digipot line: codes set over the line give the circuit a reference solve gives") {
  IdealSimulator sim;
  LineRig rig(sim);
  for (int ch = 1; ch <= 4; ++ch) {
    rig.bench.set_source_volts(ch, 0.25 * ch);
    rig.bench.set_output(ch, true);
  }
  rig.line.feed("SET 1 3\nSET 2 126\nINC 3 10\nDEC 4 10\n");
  CHECK(rig.line.take_output() == "OK\r\nOK\r\nOK\r\nOK\r\n");

  BenchConfig fresh = load_bench_file(standins_test::bench_path("lab16_digipot.json"));
  const int e2 = fresh.network.edges[2].code, e3 = fresh.network.edges[3].code;
  const std::vector<int> expected_codes{3, 126, std::min(e2 + 10, 127), std::max(e3 - 10, 0)};
  for (std::size_t e = 0; e < 4; ++e) {
    Edge& edge = fresh.network.edges[e];
    edge.code = expected_codes[e];
    edge.siemens = digipot_siemens(edge, edge.code);
  }
  IdealSimulator reference;
  reference.load(fresh.network);
  const State expected = reference.solve(rig.bench.drive());
  const State& got = rig.bench.truth();
  for (std::size_t n = 0; n < got.node_volts.size(); ++n)
    CHECK_THAT(got.node_volts[n], WithinAbs(expected.node_volts[n], 1e-12));
}

TEST_CASE("digipot line: answers nobody takes are dropped past the output bound") {
  IdealSimulator sim;
  standins::DigipotLineOptions options;
  options.max_output_bytes = 40;
  LineRig rig(sim, options);
  for (int i = 0; i < 20; ++i) rig.line.feed("GET? 1\n");
  const std::string out = rig.line.take_output();
  CHECK(out.size() <= 40);
  CHECK(rig.line.dropped_answers() > 0);
  CHECK(rig.line.dropped_answers() + out.size() / (std::to_string(rig.bank.board().code(1)).size() + 2) == 20);
  CHECK(rig("GET? 1") == std::to_string(rig.bank.board().code(1)));
}
