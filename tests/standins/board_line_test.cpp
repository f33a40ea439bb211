// The lab board's semicolon protocol (drivers/standins/board/board_line.hpp) over the stepped
// transistor machine on clln4x4 (ideal solver): acknowledgements as the board spells them, the
// per-step reports against an independent solve and the lab's update law, refusals that change
// nothing, framing under any split of the bytes, bounded tokens and output, shared settings.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <unistd.h>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "drivers/standins/board/board_line.hpp"
#include "emulator/bench/board_machine.hpp"
#include "emulator/network/load.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/spice/ngspice_simulator.hpp"
#include "tests/common/paths.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

Network lattice() { return load_network_file(test::bundled("clln4x4.json")); }

std::vector<double> initial_gates() {
  const Network net = lattice();
  std::vector<double> g;
  for (std::size_t j : gate_edges(net)) g.push_back(net.edges[j].gate_volts);
  return g;
}

struct BoardRig {
  explicit BoardRig(standins::BoardLineOptions options = {})
      : machine(lattice(), sim), settings(machine), line(machine, settings, std::move(options)) {}

  // Bytes in, the answer lines (without "\r\n").
  std::vector<std::string> operator()(std::string_view bytes) {
    line.feed(bytes);
    const std::string out = line.take_output();
    std::vector<std::string> lines;
    std::size_t at = 0;
    while (at < out.size()) {
      const std::size_t end = out.find("\r\n", at);
      REQUIRE(end != std::string::npos);
      lines.push_back(out.substr(at, end - at));
      at = end + 2;
    }
    return lines;
  }

  IdealSimulator sim;
  SteppedBoardMachine machine;
  standins::BoardSettings settings;
  standins::BoardLine line;
};

std::vector<double> values(const std::string& line, const std::string& name) {
  const std::string head = name + ";MULTI;";
  REQUIRE(line.rfind(head, 0) == 0);
  std::vector<double> out;
  std::size_t at = head.size();
  while (at < line.size()) {
    const std::size_t end = line.find(';', at);
    REQUIRE(end != std::string::npos);
    out.push_back(std::stod(line.substr(at, end - at)));
    at = end + 1;
  }
  return out;
}

const std::string kXorDrive = "INPT;MULTI;0;0.45;0.45;0;\nTRGT;SOLO;0.2;\n";

}  // namespace

TEST_CASE("board: every setting is acknowledged as the board spells it, and READ gives it back", "[board]") {
  BoardRig board;
  CHECK(board("ETA;0.25;\n") == std::vector<std::string>{"ETA recieved!"});
  CHECK(board("ALF;5;NST;3;\n") == std::vector<std::string>{"ALF recieved!", "NST recieved!"});
  CHECK(board(kXorDrive) == std::vector<std::string>{"INPT recieved!", "TRGT recieved!"});
  CHECK(board("GATE;SOLO;4.5;\n") == std::vector<std::string>{"GATE recieved!"});
  const auto r = board("READ;\n");
  REQUIRE(r.size() == 8);
  CHECK(r[0] == "READ recieved!");
  CHECK(r[1] == "ETA;0.25;");
  CHECK(r[2] == "ALF;5;");
  CHECK(r[3] == "NST;3;");
  CHECK(r[4] == "INPT;MULTI;0;0.45;0.45;0;");
  CHECK(r[5] == "TRGT;MULTI;0.2;");
  CHECK(values(r[6], "GATE") == std::vector<double>(32, 4.5));
  CHECK(r[7] == "DONE;0;");
  CHECK(board.machine.gates() == std::vector<double>(32, 4.5));
}

TEST_CASE("board: MEAS reports the twin of an independent solve and moves no gate", "[board]") {
  BoardRig board;
  board(kXorDrive);
  const std::vector<double> gates = board.machine.gates();
  const auto r = board("MEAS;\n");
  REQUIRE(r.size() == 6);
  CHECK(r[0] == "MEAS recieved!");
  CHECK(r[1] == "STEP;0;");
  CHECK(r[5] == "DONE;0;");

  IdealSimulator ref;
  Network net = lattice();
  ref.load(net);
  Drive d;
  d.phase = Phase::Twin;
  d.input_volts = {0, 0.45, 0.45, 0};
  d.twin_eta = 0.5;
  d.twin_targets = {0.2};
  const TwinState t = ref.solve_twin(d);
  CHECK(values(r[2], "FREE") == t.free.node_volts);      // round-trip text: exact
  CHECK(values(r[3], "CLMP") == t.clamped.node_volts);
  CHECK(values(r[4], "GATE") == gates);
  CHECK(board.machine.gates() == gates);
}

TEST_CASE("board: each RUN step moves every gate by alpha/eta [(dV_F)^2 - (dV_C)^2] from the grids it reports", "[board]") {
  BoardRig board;
  board(kXorDrive + "ETA;0.5;ALF;5;NST;3;\n");
  const Network net = lattice();
  std::vector<double> before = board.machine.gates();
  const auto r = board("RUN;\n");
  REQUIRE(r.size() == 1 + 3 * 4 + 1);
  CHECK(r.front() == "RUN recieved!");
  CHECK(r.back() == "DONE;3;");
  for (int k = 0; k < 3; ++k) {
    CHECK(r[1 + 4 * k] == "STEP;" + std::to_string(k + 1) + ";");
    const auto vf = values(r[2 + 4 * k], "FREE");
    const auto vc = values(r[3 + 4 * k], "CLMP");
    const auto after = values(r[4 + 4 * k], "GATE");
    REQUIRE(after.size() == 32);
    double moved = 0;
    for (std::size_t j = 0; j < 32; ++j) {
      const Edge& e = net.edges[j];
      const double df = vf[e.a] - vf[e.b], dc = vc[e.a] - vc[e.b];
      const double want = std::clamp(before[j] + 5.0 / 0.5 * (df * df - dc * dc), e.min_gate_volts, e.max_gate_volts);
      CHECK_THAT(after[j], WithinAbs(want, 1e-12));
      moved = std::max(moved, std::abs(after[j] - before[j]));
    }
    CHECK(moved > 1e-4);  // the step did something
    before = after;
  }
  CHECK(board.machine.gates() == before);
  CHECK(board("MEAS;\n")[1] == "STEP;3;");
}

TEST_CASE("board: RELX reports the free copy alone, at the inputs set", "[board]") {
  BoardRig board;
  board("INPT;MULTI;0.45;0;0;0.45;\n");
  const auto r = board("RELX;\n");
  REQUIRE(r.size() == 3);
  IdealSimulator ref;
  ref.load(lattice());
  Drive d;
  d.input_volts = {0.45, 0, 0, 0.45};
  CHECK(values(r[1], "FREE") == ref.solve(d).node_volts);
  CHECK(r[2] == "DONE;0;");
}

TEST_CASE("board: refusals are the board's two lines, change nothing, and ERR; says why", "[board]") {
  BoardRig board;
  board("ETA;0.3;\n" + kXorDrive);
  const std::vector<double> gates = board.machine.gates();
  const auto why = [&] { return board("ERR;\n").at(0); };
  CHECK(why() == "ERR;none;");

  CHECK(board("FOO;\n") == std::vector<std::string>{"Invalid Data Codon..."});
  CHECK(why().find("unknown codon 'FOO'") != std::string::npos);
  CHECK(board("eta;0.5;\n") == std::vector<std::string>{"Invalid Data Codon...", "Invalid Data Codon..."});

  CHECK(board("ETA;0;\n") == std::vector<std::string>{"Aborting experiment."});
  CHECK(why() == "ERR;ETA 0 outside (0, 1];");
  CHECK(board("ETA;nan;\n") == std::vector<std::string>{"Aborting experiment."});
  CHECK(board("ETA;1e999;\n") == std::vector<std::string>{"Aborting experiment."});
  CHECK(board("ALF;-1;\n") == std::vector<std::string>{"Aborting experiment."});
  CHECK(board("NST;2.5;\n") == std::vector<std::string>{"Aborting experiment."});
  CHECK(board("NST;10001;\n") == std::vector<std::string>{"Aborting experiment."});
  // The rest of an aborted line is discarded: its later values do not run as codons.
  CHECK(board("INPT;MULTI;0.1;oops;0.3;0.4;\n") == std::vector<std::string>{"Aborting experiment."});
  CHECK(why() == "ERR;INPT wants finite decimal numbers, not 'oops';");
  CHECK(board("GATE;MULTI;5;5;9;\n") == std::vector<std::string>{"Aborting experiment."});
  CHECK(why().find("GATE 3 (h2_0) 9 V outside 0.75..8 V") != std::string::npos);
  CHECK(board("GATE;SOLO;0.5;\n") == std::vector<std::string>{"Aborting experiment."});
  CHECK(board("TRGT;EACH;1;\n") == std::vector<std::string>{"Aborting experiment."});
  CHECK(why() == "ERR;TRGT wants SOLO or MULTI, not 'EACH';");
  CHECK(board("INPT;SOLO;1001;\n") == std::vector<std::string>{"Aborting experiment."});

  const auto r = board("READ;\n");
  CHECK(r[1] == "ETA;0.3;");
  CHECK(r[3] == "NST;1;");
  CHECK(r[4] == "INPT;MULTI;0;0.45;0.45;0;");
  CHECK(r[5] == "TRGT;MULTI;0.2;");
  CHECK(board.machine.gates() == gates);
  // After an abort the next line is served as usual.
  CHECK(board("ALF;2;\n") == std::vector<std::string>{"ALF recieved!"});
}

TEST_CASE("board: any split of the bytes, CR, LF, CRLF or none between tokens, answers the same", "[board]") {
  const std::string script = "ETA;0.5;\r\nALF;3;NST;2;" + kXorDrive + "BAD;\rETA;2;\nMEAS;\nRUN;\nREAD;\n";
  BoardRig whole;
  const auto want = whole(script);
  REQUIRE(want.size() > 20);
  std::mt19937 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    BoardRig split;
    std::vector<std::string> got;
    std::size_t at = 0;
    while (at < script.size()) {
      const std::size_t n = 1 + rng() % 7;
      for (auto& l : split(std::string_view(script).substr(at, n))) got.push_back(l);
      at += n;
    }
    REQUIRE(got == want);
  }
}

TEST_CASE("board: an overlong token is refused whole, memory stays bounded, output beyond its cap is dropped", "[board]") {
  standins::BoardLineOptions o;
  o.max_output_bytes = 4096;
  BoardRig board(o);
  CHECK(board(std::string(100000, 'X') + ";\n") == std::vector<std::string>{"Invalid Data Codon..."});
  CHECK(board("ETA;" + std::string(100, '1') + ";\n") == std::vector<std::string>{"Aborting experiment."});
  CHECK(board("ERR;\n").at(0).find("longer than 40 bytes") != std::string::npos);
  board(kXorDrive + "ALF;1;NST;50;\n");
  board.line.feed("RUN;\n");
  CHECK(board.line.take_output().size() <= 4096);
  CHECK(board.line.dropped_answers() > 0);
  CHECK(board("ETA;0.5;\n") == std::vector<std::string>{"ETA recieved!"});
}

TEST_CASE("board: random bytes never throw, every answer is a protocol line, gates stay in bounds", "[board]") {
  BoardRig board;
  std::mt19937 rng(11);
  const std::string alphabet = "ETALFNSRUMIPGXDOC;0123456789.-+e \r\n\t";
  for (int round = 0; round < 200; ++round) {
    std::string bytes;
    for (int i = 0; i < 64; ++i)
      bytes += rng() % 8 == 0 ? static_cast<char>(rng() % 256) : alphabet[rng() % alphabet.size()];
    for (const std::string& l : board(bytes)) {
      const bool known = l == "Invalid Data Codon..." || l == "Aborting experiment." || l.find(" recieved!") != std::string::npos ||
                         l.find(';') != std::string::npos;
      CHECK(known);
    }
  }
  const Network net = lattice();
  const auto g = board.machine.gates();
  for (std::size_t j = 0; j < g.size(); ++j) {
    CHECK(g[j] >= net.edges[j].min_gate_volts);
    CHECK(g[j] <= net.edges[j].max_gate_volts);
  }
}

TEST_CASE("board: two connections share the board's settings but not their framing; RST restores power-on", "[board]") {
  BoardRig board;
  standins::BoardLine second(board.machine, board.settings);
  board.line.feed("ETA;0.");  // half a token on the first connection
  second.feed("ALF;7;GATE;SOLO;3;\n");
  CHECK(second.take_output() == "ALF recieved!\r\nGATE recieved!\r\n");
  board.line.feed("75;\n");
  CHECK(board.line.take_output() == "ETA recieved!\r\n");
  CHECK(board.settings.eta == 0.75);
  CHECK(board.settings.alpha == 7);
  CHECK(board("RST;\n") == std::vector<std::string>{"RST recieved!"});
  CHECK(board.settings.eta == 0.5);
  CHECK(board.settings.alpha == 0);
  CHECK(board.machine.gates() == initial_gates());
}

TEST_CASE("board: text holding ngspice commands never reaches ngspice; the board still measures", "[board][ngspice]") {
  const std::filesystem::path canary =
      std::filesystem::temp_directory_path() / ("spiceloop_board_canary_" + std::to_string(::getpid()));
  std::filesystem::remove(canary);
  const std::string touch = "touch " + canary.string();
  NgspiceSimulator sim;
  SteppedBoardMachine machine(lattice(), sim);
  standins::BoardSettings settings(machine);
  standins::BoardLine line(machine, settings);
  for (const std::string& hostile : std::vector<std::string>{"shell " + touch + ";", "ETA;`" + touch + "`;", "INPT;MULTI;0;shell " + touch + ";",
                                     ".control;" + touch + ";.endc;", "GATE;SOLO;5 " + touch + ";", "TRGT;SOLO;0.2 `x`;"}) {
    line.feed(hostile + "\nMEAS;\n");
    (void)line.take_output();
  }
  CHECK_FALSE(std::filesystem::exists(canary));
  line.feed("INPT;MULTI;0;0.45;0.45;0;\nMEAS;\n");
  const std::string out = line.take_output();
  NgspiceSimulator ref;
  ref.load(lattice());
  Drive d;
  d.phase = Phase::Twin;
  d.input_volts = {0, 0.45, 0.45, 0};
  d.twin_eta = 0.5;
  d.twin_targets = {0.0};
  const std::size_t at = out.find("FREE;MULTI;");
  REQUIRE(at != std::string::npos);
  const std::vector<double> free = values(out.substr(at, out.find("\r\n", at) - at), "FREE");
  const std::vector<double> want = ref.solve_twin(d).free.node_volts;
  REQUIRE(free.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) CHECK_THAT(free[i], WithinAbs(want[i], 1e-12));
}
