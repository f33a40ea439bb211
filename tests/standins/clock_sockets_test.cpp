// A long learning clock on the network port, over real sockets (the whole lab16_hil lab on the
// ideal solver): the other ports and the control port keep answering while it runs, the port that
// issued it runs nothing else until it is done, and *RST (on any connection of the port, even in
// the same write) or the control port's abort stops it between cycles. Every check is by order and
// state (the control port still reports the clock running when an answer arrives), never by time.
#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "drivers/standins/lab/lab.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "tests/common/line_client.hpp"
#include "tests/common/paths.hpp"

using namespace spiceloop;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// Longer than any test waits: each ends its clock by an abort (100000 cycles take seconds).
constexpr int kLongClock = 100000;
constexpr auto kClockDeadline = 120s;

standins::LabOptions lab_options() {
  standins::LabOptions o;
  o.pty = false;
  return o;
}

struct ClockRig {
  IdealSimulator sim;
  standins::Lab lab{load_bench_file(test::bench_file("lab16_hil.json")), sim, lab_options()};
  std::uint16_t port(std::string_view name) { return lab.group().port(*lab.group().find(name)); }
  test::LineClient network{(lab.start(), port("network"))};
  test::LineClient source{port("source")};
  test::LineClient scanner{port("scanner")};
  test::LineClient control{port("control")};

  json ask(const json& request) {
    const auto answer = control.query(request.dump());
    REQUIRE(answer.has_value());
    return json::parse(*answer);
  }
  bool busy(std::string_view name) {
    const json ports = ask({{"cmd", "ports"}});
    for (const json& p : ports["ports"])
      if (p["name"] == std::string(name)) return p["busy"].get<bool>();
    FAIL("no port " << name);
    return false;
  }
  // Until the network port runs a command; false if it never did within the deadline.
  bool wait_busy() {
    for (int i = 0; i < 5000; ++i) {
      if (busy("network")) return true;
      std::this_thread::sleep_for(1ms);
    }
    return false;
  }
  // A clock far longer than any test waits for; returns once it runs.
  void start_long_clock() {
    REQUIRE(network.send("LEARN:CLOCK " + std::to_string(kLongClock) + "\n") > 0);
    REQUIRE(wait_busy());
  }
  // The sign rule moves every edge a tap per cycle: the learned state is plain in the codes.
  void sign_rule() {
    REQUIRE(network.send("*CLS;:LEARN:RULE SIGN;:LEARN:TARGET 0.3;:LEARN:RATE 0.5\n") > 0);
    REQUIRE(network.query("SYST:ERR?") == "+0,\"No error\"");
  }
};

// The cycles an aborted clock reports in its error: "...learning clock aborted after K of N cycles".
long aborted_after(const std::string& error) {
  const auto at = error.find("aborted after ");
  REQUIRE(at != std::string::npos);
  return std::stol(error.substr(at + 14));
}

}  // namespace

TEST_CASE("learning network on sockets: other ports and the control port answer while a long clock runs",
          "[socket][clock]") {
  ClockRig rig;
  rig.sign_rule();
  rig.start_long_clock();

  const auto idn = rig.source.query("*IDN?");
  REQUIRE(idn.has_value());
  CHECK_THAT(*idn, StartsWith("spiceloop,N6700-emulated"));
  const auto readings = rig.scanner.query("MEAS:VOLT:DC? (@101:109)");
  REQUIRE(readings.has_value());
  CHECK(std::count(readings->begin(), readings->end(), ',') == 8);
  const json truth = rig.ask({{"cmd", "truth"}});
  CHECK(truth["ok"] == true);
  CHECK(truth["edge_codes"].size() == 16);
  // Those answers came while the clock was still running: none of them waited for it.
  CHECK(rig.busy("network"));

  CHECK(rig.ask({{"cmd", "abort"}, {"port", "network"}})["running"] == true);
  CHECK(rig.network.query("*OPC?") == "1");
}

TEST_CASE("learning network on sockets: *RST aborts a running clock, the cycles run stand, the settings reset",
          "[socket][clock]") {
  ClockRig rig;
  rig.sign_rule();
  const auto codes_before = rig.network.query("EDGE:CODE?");
  REQUIRE(codes_before.has_value());
  rig.start_long_clock();
  std::this_thread::sleep_for(20ms);  // let it run some cycles (the check below holds either way)
  REQUIRE(rig.network.send("*RST\n") > 0);

  const auto state = rig.network.query("LEARN:CLOCK:COUNT?;:LEARN:RULE?");
  REQUIRE(state.has_value());
  CHECK(*state == "+0;CL");  // *RST ran after the abort: count and rule as after a reset
  CHECK_FALSE(rig.busy("network"));
  const auto errors = test::drain_errors(rig.network);
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], StartsWith("-200,\"Execution error;learning clock aborted after "));
  const long ran = aborted_after(errors[0]);
  CHECK(ran < kLongClock);
  // The cycles before the abort stand: *RST keeps the edges.
  const auto codes_after = rig.network.query("EDGE:CODE?");
  REQUIRE(codes_after.has_value());
  if (ran > 0) CHECK(*codes_after != *codes_before);
}

TEST_CASE("learning network on sockets: *RST from another connection to the port aborts its clock",
          "[socket][clock]") {
  ClockRig rig;
  rig.sign_rule();
  rig.start_long_clock();
  test::LineClient other(rig.port("network"));
  REQUIRE(other.send("*RST\n") > 0);
  CHECK(rig.network.query("*OPC?") == "1");
  CHECK_FALSE(rig.busy("network"));
  CHECK(rig.network.query("LEARN:CLOCK:COUNT?") == "+0");
  const auto errors = test::drain_errors(rig.network);
  REQUIRE(errors.size() == 1);
  CHECK(aborted_after(errors[0]) < kLongClock);
}

TEST_CASE("learning network on sockets: *RST in the same write as the clock aborts it before its first cycle",
          "[socket][clock]") {
  ClockRig rig;
  rig.sign_rule();
  const auto codes_before = rig.network.query("EDGE:CODE?");
  REQUIRE(rig.network.send("LEARN:CLOCK " + std::to_string(kLongClock) + "\n*RST\n") > 0);
  const auto count = rig.network.query("LEARN:CLOCK:COUNT?");
  CHECK(count == "+0");
  const auto errors = test::drain_errors(rig.network);
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], Contains("aborted after 0 of 100000 cycles"));
  CHECK(rig.network.query("EDGE:CODE?") == codes_before);
}

TEST_CASE("learning network on sockets: the control port's abort stops the clock and keeps its settings",
          "[socket][clock][control]") {
  ClockRig rig;
  rig.sign_rule();
  CHECK(rig.ask({{"cmd", "abort"}, {"port", "network"}})["running"] == false);  // nothing runs: nothing asked
  CHECK(rig.ask({{"cmd", "abort"}, {"port", "netwrk"}})["error"] == "control.unknown_port");
  CHECK(rig.ask({{"cmd", "abort"}})["error"] == "control.missing_field");
  rig.start_long_clock();
  CHECK(rig.ask({{"cmd", "abort"}, {"port", "network"}})["running"] == true);
  REQUIRE(rig.network.query("*OPC?") == "1");
  const auto count = rig.network.query("LEARN:CLOCK:COUNT?;:LEARN:RULE?;:LEARN:TARGET?");
  REQUIRE(count.has_value());
  const long cycles = std::stol(count->substr(0, count->find(';')));
  CHECK(cycles < kLongClock);
  CHECK_THAT(*count, Contains(";SIGN;"));  // the settings stay
  CHECK(std::stod(count->substr(count->rfind(';') + 1)) == 0.3);
  const auto errors = test::drain_errors(rig.network);
  REQUIRE(errors.size() == 1);
  CHECK(aborted_after(errors[0]) == cycles);
  // The next clock runs in full: the abort ended with the command it was for.
  CHECK(rig.network.query("LEARN:CLOCK 3;*OPC?") == "1");
  CHECK(rig.network.query("LEARN:CLOCK:COUNT?") == "+" + std::to_string(cycles + 3));
}

TEST_CASE("learning network on sockets: the issuing port's next query waits for the clock, on every connection",
          "[socket][clock]") {
  ClockRig rig;
  rig.sign_rule();
  constexpr int cycles = 30000;
  REQUIRE(rig.network.send("LEARN:CLOCK " + std::to_string(cycles) + "\nLEARN:CLOCK:COUNT?\n") > 0);
  REQUIRE(rig.wait_busy());
  test::LineClient other(rig.port("network"));
  REQUIRE(other.send("LEARN:CLOCK:COUNT?\n") > 0);
  const std::string expected = "+" + std::to_string(cycles);
  CHECK(rig.network.read_line(kClockDeadline) == expected);  // pipelined behind the clock: ran after it
  CHECK(other.read_line(kClockDeadline) == expected);        // asked while it ran: answered after it
  CHECK(test::drain_errors(rig.network).empty());
}
