// Text that ngspice would run as a command (`shell`, `source`, backquotes, `.control`, `;`-joined
// commands) sent to every port of the emulated lab on the ngspice backend: it must never reach
// ngspice. A canary file that any of these lines would create must not appear, every port keeps
// answering, and the circuit still measures what a reference solve gives.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "drivers/client/visa_address.hpp"
#include "drivers/standins/lab/lab.hpp"
#include "emulator/bench/bench_config.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/spice/ngspice_simulator.hpp"
#include "tests/common/line_client.hpp"
#include "tests/common/paths.hpp"

using namespace spiceloop;
namespace fs = std::filesystem;

namespace {

std::uint16_t port_of(const std::string& visa) { return client::VisaAddress::parse(visa).port; }

}  // namespace

TEST_CASE("lab: text holding ngspice commands never reaches ngspice, on any port", "[socket][ngspice]") {
  const fs::path canary = fs::temp_directory_path() / ("spiceloop_canary_" + std::to_string(::getpid()));
  fs::remove(canary);
  const std::string touch = "touch " + canary.string();
  const std::vector<std::string> hostile = {
      "shell " + touch,
      "source /etc/passwd",
      "VOLT 1,(@1);shell " + touch,
      "VOLT 1,(@1);:shell " + touch,
      "`" + touch + "`",
      "*IDN? `" + touch + "`",
      ".control",
      "set unixcom",
      touch,
      "DPOT:CODE 5,(@1);:shell " + touch,
      "LEARN:RULE '" + touch + "'",
      "LEARN:TARGET 0.1,(@1);`" + touch + "`",
      "SET 1 `" + touch + "`",
      "write /tmp/x all; quit",
      ".endc",
  };

  NgspiceSimulator sim;
  standins::LabOptions options;
  options.pty = false;
  standins::Lab lab(load_bench_file(test::bench_file("lab16_hil.json")), sim,
                    options);
  lab.start();

  for (const auto& a : lab.addresses()) {
    if (a.name == "control") {
      const auto port = static_cast<std::uint16_t>(std::stoi(a.address.substr(a.address.rfind(':') + 1)));
      test::LineClient control(port);
      for (const std::string& line : hostile) {
        const auto answer = control.query(line + "\n");
        REQUIRE(answer);
        CHECK(answer->find("\"ok\":false") != std::string::npos);
      }
      const auto fault = control.query(R"({"cmd":"fault","port":"`)" + touch + R"(`","kind":"delay","ms":1})" "\n");
      REQUIRE(fault);
      CHECK(fault->find("control.unknown_port") != std::string::npos);
      continue;
    }
    INFO(a.name << " " << a.address);
    test::LineClient c(port_of(a.address));
    for (const std::string& line : hostile) c.send(line + "\n");
    if (a.name == "digipots-line") {
      for (std::size_t i = 0; i < hostile.size(); ++i) CHECK(c.read_line().has_value());
      const auto all = c.query("ALL?\n");
      REQUIRE(all);
      CHECK(all->find(' ') != std::string::npos);
      continue;
    }
    const auto idn = c.query("*IDN?\n");
    REQUIRE(idn);
    CHECK(idn->find("emulated") != std::string::npos);
    const auto count = c.query("SYST:ERR:COUN?\n");
    REQUIRE(count);
    CHECK(std::stoi(*count) > 0);  // the hostile lines are errors in the queue, nothing more
  }

  // The circuit still solves, on ngspice, to what the reference gives for the same settings.
  test::LineClient source(port_of(lab.addresses()[0].address));
  REQUIRE(lab.addresses()[0].name == "source");
  source.send("*RST;*CLS;VOLT 0.5,(@1:4);:OUTP ON,(@1:4)\n");
  const auto measured = source.query("MEAS:VOLT? (@1);:SYST:ERR?\n");
  REQUIRE(measured);
  CHECK(measured->substr(measured->find(';') + 1) == "+0,\"No error\"");
  IdealSimulator reference;
  Network net;
  {
    std::lock_guard lock(lab.bench_mutex());
    net = lab.bench().network();
  }
  reference.load(net);
  reference.set_conductances(net.conductances());
  Drive d;
  d.input_volts.assign(net.inputs.size(), 0.5);
  const State expected = reference.solve(d);
  std::lock_guard lock(lab.bench_mutex());
  const State& truth = lab.bench().truth();
  for (std::size_t n = 0; n < expected.node_volts.size(); ++n) CHECK(std::abs(truth.node_volts[n] - expected.node_volts[n]) < 1e-9);
  CHECK_FALSE(fs::exists(canary));
  CHECK_FALSE(fs::exists(fs::path("touch")));
}
