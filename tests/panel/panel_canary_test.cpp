// Text that ngspice or a shell would run, sent through the panel (as page messages with and
// without the token, inside every field an action takes, and as request targets) on the ngspice
// backend: none of it may reach ngspice or a file. A canary file that any of it would create must
// not appear; the panel and the instruments keep answering, and the circuit solves as before.
#include <unistd.h>

#include <filesystem>

#include <catch2/catch.hpp>

#include "emulator/spice/ngspice_simulator.hpp"
#include "tests/common/line_client.hpp"
#include "tests/common/paths.hpp"
#include "tests/panel/page_client.hpp"

using namespace panel_test;
namespace fs = std::filesystem;

TEST_CASE("panel: text holding ngspice or shell commands never reaches ngspice or a file", "[panel][socket][ngspice]") {
  const fs::path canary = fs::temp_directory_path() / ("spiceloop_panel_canary_" + std::to_string(::getpid()));
  fs::remove(canary);
  const std::string touch = "touch " + canary.string();
  const std::vector<std::string> hostile = {"shell " + touch, "`" + touch + "`", ".control\n" + touch + "\n.endc",
                                            "source /etc/passwd", "write " + canary.string() + " all; quit",
                                            "set unixcom; " + touch};

  spiceloop::NgspiceSimulator sim;
  spiceloop::standins::LabOptions options;
  options.pty = false;
  spiceloop::standins::Lab lab(spiceloop::load_bench_file(spiceloop::test::bench_file("lab16_hil.json")), sim, options);
  const std::string token = "feedfacefeedfacefeedfacefeedface";
  spiceloop::panel::PanelOptions po;
  po.token = token;
  auto panel = std::make_unique<spiceloop::cli::LabPanel>(lab, po, 0);
  lab.start();
  {
    Page page(panel->port());
    REQUIRE(page.open());
    for (const std::string& text : hostile) {
      for (const json& request :
           {json(text), json{{"cmd", text}}, json{{"cmd", text}, {"token", token}},
            json{{"cmd", "fault"}, {"port", text}, {"kind", "delay"}, {"ms", 1}, {"token", token}},
            json{{"cmd", "fault"}, {"port", "source"}, {"kind", text}, {"token", token}},
            json{{"cmd", "fault"}, {"port", "source"}, {"kind", "error"}, {"code", -222}, {"detail", text}, {"token", token}},
            json{{"cmd", "reseed"}, {"seed", text}, {"token", token}}, json{{"cmd", "pause"}, {"token", text}}}) {
        REQUIRE(page.send(request.dump()));
        REQUIRE(page.next_of("reply"));
      }
      spiceloop::test::LineClient http(panel->port());
      http.send("GET /" + text + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      const auto status = http.read_line(3000ms);
      REQUIRE(status);
      CHECK((status->rfind("HTTP/1.1 404", 0) == 0 || status->rfind("HTTP/1.1 400", 0) == 0));
    }
    CHECK(page.next_of("frame"));
  }
  spiceloop::test::LineClient source(lab.group().port(*lab.group().find("source")));
  REQUIRE(source.query("*CLS;VOLT 0.5,(@1:4);:OUTP ON,(@1:4);*OPC?") == "1");
  const auto measured = source.query("MEAS:VOLT? (@1);:SYST:ERR?");
  REQUIRE(measured);
  CHECK(measured->substr(measured->find(';') + 1) == "+0,\"No error\"");
  CHECK_FALSE(fs::exists(canary));
  lab.stop();
}
