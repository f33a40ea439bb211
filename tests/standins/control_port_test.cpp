// The control port over a real socket, against the lab16 bench on the ideal solver with a source
// served beside it: the truth it reports equals a direct solve, faults and pause reach the
// instrument port, and bad requests answer typed errors without closing the connection.
#include <catch2/catch.hpp>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "drivers/server/server_group.hpp"
#include "drivers/standins/control/control_port.hpp"
#include "drivers/standins/source/source.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "tests/common/line_client.hpp"
#include "tests/server/line_endpoint.hpp"
#include "tests/standins/helpers.hpp"

using namespace spiceloop;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

struct Rig {
  IdealSimulator sim;
  Bench bench{load_bench_file(standins_test::bench_path("lab16.json")), sim};
  std::shared_ptr<std::mutex> bench_mutex = std::make_shared<std::mutex>();
  standins::Source source{bench};
  server::ServerGroup group;
  std::size_t source_port = group.add("source", source.tree(), source.status(), bench_mutex);
  std::size_t control_port = standins::add_control_port(group, bench, *bench_mutex);
  test::LineClient scpi{(group.start(), group.port(source_port))};
  test::LineClient control{group.port(control_port)};

  json ask(const json& request) { return ask_line(request.dump()); }
  json ask_line(const std::string& line) {
    const auto answer = control.query(line);
    REQUIRE(answer.has_value());
    return json::parse(*answer);
  }
};

}  // namespace

TEST_CASE("control port: truth equals a direct ideal solve of the same drive", "[socket][control]") {
  Rig rig;
  const std::vector<double> volts{0.7, -0.4, 1.3, 0.2};
  REQUIRE(rig.scpi.send("VOLT 0.7,(@1);VOLT -0.4,(@2);VOLT 1.3,(@3);VOLT 0.2,(@4);:OUTP ON,(@1:4)\n") > 0);
  REQUIRE(rig.scpi.query("SYST:ERR?") == "+0,\"No error\"");

  const json truth = rig.ask({{"cmd", "truth"}});
  REQUIRE(truth["ok"] == true);
  IdealSimulator reference;
  reference.load(rig.bench.network());
  const State expected = reference.solve(standins_test::free_drive(volts));
  const Network& net = rig.bench.network();
  REQUIRE(truth["node_volts"].size() == static_cast<std::size_t>(net.node_count()));
  for (int n = 0; n < net.node_count(); ++n)
    CHECK_THAT(truth["node_volts"][net.node_names[n]].get<double>(), WithinAbs(expected.node_volts[n], 1e-12));
  CHECK_THAT(truth["node_volts"]["n1"].get<double>(), WithinAbs(0.7, 1e-15));
  for (const Edge& e : net.edges) CHECK_THAT(truth["edge_ohms"][e.name].get<double>(), WithinRel(1.0 / e.siemens, 1e-15));
  CHECK(truth["edge_codes"].empty());  // lab16 has no digipots
  CHECK(truth["solves"].get<int>() == 1);
  // Full precision: the double survives the JSON text unchanged.
  std::lock_guard lock(*rig.bench_mutex);
  CHECK(truth["node_volts"]["n2"].get<double>() == rig.bench.truth().node_volts[*net.find_node("n2")]);
}

TEST_CASE("control port: faults reach the named instrument port", "[socket][control]") {
  Rig rig;
  json r = rig.ask({{"cmd", "fault"}, {"port", "source"}, {"kind", "error"}, {"code", -222}, {"detail", "injected"}});
  CHECK(r == json{{"ok", true}});
  CHECK(rig.scpi.query("SYST:ERR?") == "-222,\"Data out of range;injected\"");

  REQUIRE(rig.ask({{"cmd", "fault"}, {"port", "source"}, {"kind", "delay"}, {"ms", 120}})["ok"] == true);
  auto t0 = std::chrono::steady_clock::now();
  REQUIRE(rig.scpi.query("*IDN?").has_value());
  CHECK(std::chrono::steady_clock::now() - t0 >= 120ms);
  const json ports = rig.ask({{"cmd", "ports"}});
  CHECK(ports["ports"][0]["name"] == "source");
  CHECK(ports["ports"][0]["faults"]["delay_ms"] == 120.0);
  CHECK(ports["ports"][1]["name"] == "control");
  CHECK(ports["ports"][1]["tcp_port"] == rig.group.port(rig.control_port));

  REQUIRE(rig.ask({{"cmd", "fault"}, {"port", "source"}, {"kind", "clear"}})["ok"] == true);
  REQUIRE(rig.ask({{"cmd", "fault"}, {"port", "source"}, {"kind", "garbage"}, {"bytes", 4}, {"seed", 3}})["ok"] == true);
  REQUIRE(rig.scpi.send("*IDN?\n") > 0);
  std::string got;
  while (got.size() < 4) got += *rig.scpi.read_line() + "\n";
  CHECK_THAT(got, StartsWith(server::garbage_bytes(4, 3)));

  REQUIRE(rig.ask({{"cmd", "fault"}, {"port", "source"}, {"kind", "drop"}})["ok"] == true);
  CHECK(rig.scpi.closed_by_peer(2000ms));
  CHECK(rig.ask({{"cmd", "help"}})["ok"] == true);  // the control connection itself stays
}

TEST_CASE("control port: pause holds instrument input, resume runs it; control keeps answering", "[socket][control]") {
  Rig rig;
  CHECK(rig.ask({{"cmd", "pause"}}) == json{{"ok", true}, {"paused", true}});
  REQUIRE(rig.scpi.send("VOLT 1.5,(@1);VOLT? (@1)\n") > 0);
  CHECK_FALSE(rig.scpi.read_line(200ms).has_value());
  CHECK(rig.ask({{"cmd", "ports"}})["paused"] == true);
  CHECK(rig.ask({{"cmd", "resume"}})["paused"] == false);
  CHECK(rig.scpi.read_line() == "+1.50000000E+00");
}

TEST_CASE("control port: reset and reseed reach the bench; traffic lists instrument messages", "[socket][control]") {
  Rig rig;
  REQUIRE(rig.scpi.send("VOLT 2,(@1);:OUTP ON,(@1)\n") > 0);
  REQUIRE(rig.scpi.query("VOLT? (@1)") == "+2.00000000E+00");
  CHECK(rig.ask({{"cmd", "reset"}})["ok"] == true);
  CHECK(rig.scpi.query("VOLT? (@1)") == "+0.00000000E+00");
  CHECK(rig.scpi.query("OUTP? (@1)") == "0");
  CHECK(rig.ask({{"cmd", "reseed"}, {"seed", 7}})["ok"] == true);
  {
    std::lock_guard lock(*rig.bench_mutex);
    CHECK(rig.bench.realism().seed == 7);
  }

  const json page = rig.ask({{"cmd", "traffic"}, {"since", 0}});
  REQUIRE(page["ok"] == true);
  std::vector<std::string> in, out;
  for (const auto& e : page["entries"]) {
    CHECK(e["port"] == "source");  // the control port keeps out of the log
    if (e["dir"] == "in") in.push_back(e["text"]);
    if (e["dir"] == "out") out.push_back(e["text"]);
    CHECK(e["system_us"].get<std::int64_t>() > 0);
  }
  CHECK(in == std::vector<std::string>{"VOLT 2,(@1);:OUTP ON,(@1)", "VOLT? (@1)", "VOLT? (@1)", "OUTP? (@1)"});
  CHECK(out == std::vector<std::string>{"+2.00000000E+00", "+0.00000000E+00", "0"});
  const json rest = rig.ask({{"cmd", "traffic"}, {"since", page["next"]}});
  CHECK(rest["entries"].empty());
  const json two = rig.ask({{"cmd", "traffic"}, {"max", 2}});
  CHECK(two["entries"].size() == 2);
  CHECK(two["next"] == two["entries"][1]["seq"].get<std::uint64_t>() + 1);
}

TEST_CASE("control port: bad requests answer typed errors and the connection stays open", "[socket][control]") {
  Rig rig;
  auto error_of = [&](const std::string& line) {
    const json r = rig.ask_line(line);
    CHECK(r["ok"] == false);
    return std::make_pair(r["error"].get<std::string>(), r["detail"].get<std::string>());
  };
  auto [id, detail] = error_of(R"({"cmd": "truth",)");
  CHECK(id == "control.bad_json");
  CHECK_THAT(detail, StartsWith("request:1:"));
  std::tie(id, detail) = error_of(R"({"cmd":"trth"})");
  CHECK(id == "control.unknown_cmd");
  CHECK_THAT(detail, Contains("did you mean \"truth\""));
  std::tie(id, detail) = error_of(R"({"cmd":"fault","port":"sorce","kind":"drop"})");
  CHECK(id == "control.unknown_port");
  CHECK_THAT(detail, Contains("did you mean \"source\""));
  std::tie(id, detail) = error_of(R"({"cmd":"fault","port":"source","kind":"dealy","ms":5})");
  CHECK(id == "control.unknown_kind");
  CHECK_THAT(detail, Contains("\"delay\""));
  std::tie(id, detail) = error_of(R"({"cmd":"fault","port":"source","kind":"delay"})");
  CHECK(id == "control.missing_field");
  CHECK_THAT(detail, Contains("\"ms\""));
  std::tie(id, detail) = error_of(R"({"cmd":"fault","port":"source","kind":"delay","ms":"5"})");
  CHECK(id == "control.wrong_type");
  std::tie(id, detail) = error_of(R"({"cmd":"fault","port":"source","kind":"delay","ms":-1})");
  CHECK(id == "control.out_of_range");
  std::tie(id, detail) = error_of(R"({"cmd":"fault","port":"source","kind":"drop","ms":5})");
  CHECK(id == "control.unknown_field");
  std::tie(id, detail) = error_of(R"({"cmd":"fault","port":"control","kind":"error","code":-222})");
  CHECK(id == "control.protected_port");
  std::tie(id, detail) = error_of(R"({"cmd":"truth","sinse":0})");
  CHECK(id == "control.unknown_field");
  std::tie(id, detail) = error_of(R"({"cmd":"reseed","seed":-3})");
  CHECK(id == "control.out_of_range");
  std::tie(id, detail) = error_of(R"([1,2])");
  CHECK(id == "control.not_an_object");
  std::tie(id, detail) = error_of(R"({"command":"help"})");
  CHECK(id == "control.missing_field");
  std::tie(id, detail) = error_of(std::string(70 * 1024, '{'));
  CHECK(id == "control.line_too_long");
  // Invalid UTF-8 in a string still gets a JSON answer.
  std::tie(id, detail) = error_of("{\"cmd\":\"\xff\xfe\"}");
  CHECK_THAT(id, StartsWith("control."));
  CHECK(rig.ask({{"cmd", "help"}})["commands"].contains("truth"));
  CHECK(rig.scpi.query("SYST:ERR?") == "+0,\"No error\"");  // nothing leaked into the instrument
}

TEST_CASE("control port: faults against the control port itself are refused and it keeps answering",
          "[socket][control]") {
  // Regression: a 60 s delay or silence on the control port locked out its own recovery.
  Rig rig;
  for (const json& fault : {json{{"kind", "delay"}, {"ms", 60000}}, json{{"kind", "silence"}}, json{{"kind", "drop"}},
                            json{{"kind", "garbage"}, {"bytes", 16}}, json{{"kind", "error"}, {"code", -222}}}) {
    json request = fault;
    request["cmd"] = "fault";
    request["port"] = "control";
    const json r = rig.ask(request);
    CHECK(r["ok"] == false);
    CHECK(r["error"] == "control.protected_port");
    CHECK_THAT(r["detail"].get<std::string>(), Contains("control port"));
  }
  CHECK(rig.ask({{"cmd", "fault"}, {"port", "control"}, {"kind", "clear"}})["ok"] == true);
  const json ports = rig.ask({{"cmd", "ports"}});
  for (const json& p : ports["ports"]) {
    CHECK(p["faults"]["delay_ms"] == 0.0);
    CHECK(p["faults"]["silence"] == false);
    CHECK(p["faults"]["garbage_bytes"] == 0);
  }
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(rig.ask({{"cmd", "help"}})["ok"] == true);
  CHECK(std::chrono::steady_clock::now() - t0 < 1s);
}

TEST_CASE("control port: a fault error on a port without a SCPI error queue is refused", "[socket][control]") {
  IdealSimulator sim;
  Bench bench{load_bench_file(standins_test::bench_path("lab16.json")), sim};
  auto bench_mutex = std::make_shared<std::mutex>();
  server::ServerGroup group;
  const auto echo = group.add_protocol("line", [] { return std::make_unique<server_test::EchoEndpoint>(); });
  const auto control = standins::add_control_port(group, bench, *bench_mutex);
  group.start();
  test::LineClient c(group.port(control));
  const auto answer = c.query(R"({"cmd":"fault","port":"line","kind":"error","code":-222})");
  REQUIRE(answer);
  CHECK(json::parse(*answer)["error"] == "control.no_error_queue");
  test::LineClient line(group.port(echo));
  CHECK(line.query("hi") == "ECHO hi");
}
