// HilSimulator against the real stand-ins on 127.0.0.1: what it sends (only differences, clamps
// together, the scan list once), what it reads (the lab's own solve, bit for bit), and what it
// refuses (another network, an unscanned node, an unsettable edge, the Nudged phase).
#include <catch2/catch.hpp>

#include <mutex>

#include "drivers/client/hil/hil_simulator.hpp"
#include "emulator/core/error.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "tests/hil/hil_rig.hpp"

using namespace hil_test;
using spiceloop::hil::HilSimulator;
using Catch::Matchers::Contains;

namespace {

Network lab_network() { return load_network_file(bundled("lab16_digipot.json")); }

// A copy of lab16_hil.json in dir (network path made absolute), edited by `edit`.
fs::path edited_bench(const fs::path& dir, const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json b = read_json(bundled("benches/lab16_hil.json"));
  b["network"] = bundled("lab16_digipot.json");
  edit(b);
  const fs::path file = dir / "bench.json";
  write_json(file, b);
  return file;
}

template <class F>
std::string error_id(F&& f) {
  try {
    f();
  } catch (const spiceloop::Error& e) {
    return e.id() + " | " + e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("hil: a solve reads exactly the lab's own solve, and sends only what changed", "[hil][socket]") {
  ScratchDir scratch("hil_traffic");
  LabRig rig(bundled("benches/lab16_hil.json"), std::make_unique<IdealSimulator>(), scratch.dir);
  HilSimulator hil(rig.addresses.string());
  const Network net = lab_network();
  hil.load(net);
  CHECK(hil.stats().scan_configures == 1);
  CHECK(hil.stats().codes_sent == 16);  // the first load sends every code: the bench may hold others

  IdealSimulator ideal;
  ideal.load(net);
  Drive d;
  d.input_volts = {0.5, -0.25, 0.75, 0.1};
  const State s = hil.solve(d);
  CHECK(s.node_volts == ideal.solve(d).node_volts);
  CHECK(hil.stats().volts_sent == 4);

  // The same drive again: nothing to the source, only the READ?.
  const auto before = hil.stats();
  CHECK(hil.solve(d).node_volts == s.node_volts);
  CHECK(hil.stats().source_messages == before.source_messages);
  CHECK(hil.stats().round_trips == before.round_trips + 1);

  // One input changed: one setpoint sent.
  d.input_volts[2] = -0.5;
  CHECK(hil.solve(d).node_volts == ideal.solve(d).node_volts);
  CHECK(hil.stats().volts_sent == before.volts_sent + 1);

  // Clamped: the clamps' setpoints and one OUTP ON for all three; the lab sees the Clamped phase.
  Drive c = d;
  c.phase = Phase::Clamped;
  c.clamp_volts = {0.2, -0.1, 0.3};
  const auto pre_clamp = hil.stats();
  const State clamped = hil.solve(c);
  CHECK(clamped.node_volts == ideal.solve(c).node_volts);
  CHECK(hil.stats().volts_sent == pre_clamp.volts_sent + 3);
  CHECK(hil.stats().source_messages == pre_clamp.source_messages + 2);  // VOLT units, one OUTP ON
  {
    std::lock_guard lock(rig.lab.bench_mutex());
    CHECK(rig.lab.bench().drive().phase == Phase::Clamped);
    CHECK(rig.lab.bench().source_volts(6) == -0.1);
  }
  // Back to Free: the clamps go OFF, the scanner is never reconfigured.
  CHECK(hil.solve(d).node_volts == ideal.solve(d).node_volts);
  {
    std::lock_guard lock(rig.lab.bench_mutex());
    CHECK(rig.lab.bench().drive().phase == Phase::Free);
    CHECK_FALSE(rig.lab.bench().output(5));
  }
  CHECK(hil.stats().scan_configures == 1);

  // Conductances: unchanged codes send nothing; one changed code is one code sent.
  const auto pre_codes = hil.stats();
  hil.set_conductances(net.conductances());
  CHECK(hil.stats().code_messages == pre_codes.code_messages);
  Network moved = net;
  moved.edges[3].code = 90;
  moved.edges[3].siemens = digipot_siemens(moved.edges[3], 90);
  hil.set_conductances(moved.conductances());
  CHECK(hil.stats().codes_sent == pre_codes.codes_sent + 1);
  {
    std::lock_guard lock(rig.lab.bench_mutex());
    CHECK(rig.lab.bench().digipot_code(4) == 90);
  }
  ideal.set_conductances(moved.conductances());
  CHECK(hil.solve(d).node_volts == ideal.solve(d).node_volts);

  // Twin: free, then clamped at (1 - eta) V_out + eta target, as the ideal twin computes.
  Drive t = d;
  t.phase = Phase::Twin;
  t.twin_eta = 0.5;
  t.twin_targets = {0.1, 0.2, -0.3};
  const TwinState ht = hil.solve_twin(t), it = ideal.solve_twin(t);
  CHECK(ht.free.node_volts == it.free.node_volts);
  CHECK(ht.clamped.node_volts == it.clamped.node_volts);
  CHECK(ht.clamped.output_amps == it.clamped.output_amps);
}

TEST_CASE("hil: refuses another network, naming the first difference", "[hil][socket]") {
  ScratchDir scratch("hil_mismatch");
  LabRig rig(bundled("benches/lab16_hil.json"), std::make_unique<IdealSimulator>(), scratch.dir);
  HilSimulator hil(rig.addresses.string());

  Network other = lab_network();
  other.edges[5].b = 3;  // e5 n6-n9 becomes n6-n3
  const std::string e = error_id([&] { hil.load(other); });
  CHECK_THAT(e, Contains("hil.network_mismatch") && Contains("e5") && Contains("n6-n3") && Contains("n6-n9"));

  CHECK_THAT(error_id([&] { hil.load(load_network_file(bundled("lab16.json"))); }),
             Contains("hil.network_mismatch") && Contains("resistor") && Contains("digipot"));

  Network outputs = lab_network();
  std::swap(outputs.outputs[0], outputs.outputs[1]);
  CHECK_THAT(error_id([&] { hil.load(outputs); }), Contains("hil.network_mismatch") && Contains("output 0"));
  CHECK_THAT(error_id([&] { hil.solve({}); }), Contains("drive.not_loaded"));
}

TEST_CASE("hil: every node needs a single-ended scanner channel", "[hil][socket]") {
  ScratchDir scratch("hil_unscanned");
  const fs::path bench = edited_bench(scratch.dir, [](nlohmann::json& b) {
    b["scanner"].erase(4);                                                   // 105 on n5
    b["scanner"].push_back({{"channel", 110}, {"plus", "n5"}, {"minus", "n6"}});  // a pair does not count
  });
  LabRig rig(bench.string(), std::make_unique<IdealSimulator>(), scratch.dir);
  HilSimulator hil(rig.addresses.string());
  CHECK_THAT(error_id([&] { hil.load(lab_network()); }), Contains("hil.unscanned_node") && Contains("'n5'"));
  CHECK(hil.stats().scan_configures == 0);  // refused before anything was sent
}

TEST_CASE("hil: only digipot edges with a channel can be set, and there is no Nudged phase", "[hil][socket]") {
  ScratchDir scratch("hil_unsettable");
  const fs::path bench = edited_bench(scratch.dir, [](nlohmann::json& b) { b["digipots"].erase(15); });  // e15
  LabRig rig(bench.string(), std::make_unique<IdealSimulator>(), scratch.dir);
  HilSimulator hil(rig.addresses.string());
  const Network net = lab_network();
  hil.load(net);  // e15 keeps the bench's value: fine

  std::vector<double> k = net.conductances();
  k[15] *= 1.5;
  const auto before = hil.stats();
  CHECK_THAT(error_id([&] { hil.set_conductances(k); }), Contains("hil.unsettable_edge") && Contains("'e15'"));
  k[15] = net.conductances()[15];
  k[0] = digipot_siemens(net.edges[0], 3);
  hil.set_conductances(k);
  CHECK(hil.stats().codes_sent == before.codes_sent + 1);

  Drive nudged;
  nudged.phase = Phase::Nudged;
  nudged.nudge_amps = {1e-6, 0.0, 0.0};
  CHECK_THAT(error_id([&] { hil.solve(nudged); }), Contains("hil.unsupported_phase") && Contains("current sources"));
  Drive twin;
  twin.phase = Phase::Twin;
  CHECK_THAT(error_id([&] { hil.solve(twin); }), Contains("drive.wrong_phase"));
}

TEST_CASE("hil: addresses files are checked, naming file and JSON pointer", "[hil]") {
  ScratchDir scratch("hil_addresses");
  const fs::path file = scratch.dir / "a.json";
  const auto load = [&](const nlohmann::json& j) {
    write_json(file, j);
    return error_id([&] { spiceloop::hil::load_addresses_file(file.string()); });
  };
  const nlohmann::json good = {{"spiceloop_addresses", 1},
                               {"bench", "bench.json"},
                               {"source", "TCPIP0::127.0.0.1::5025::SOCKET"},
                               {"scanner", "TCPIP0::127.0.0.1::5026::SOCKET"}};
  write_json(scratch.dir / "bench.json", nlohmann::json::object());
  CHECK(load(good) == "no error");
  // A relative bench is taken from the addresses file's folder.
  CHECK(spiceloop::hil::load_addresses_file(file.string()).bench_path == (scratch.dir / "bench.json").string());

  CHECK_THAT(load({{"bench", "x"}}), Contains("hil.not_addresses"));
  auto j = good;
  j["spiceloop_addresses"] = 2;
  CHECK_THAT(load(j), Contains("hil.version") && Contains(file.string() + "#/spiceloop_addresses"));
  j = good;
  j["bench"] = "missing.json";
  CHECK_THAT(load(j), Contains("hil.bench") && Contains("#/bench") && Contains("missing.json"));
  j = good;
  j.erase("scanner");
  CHECK_THAT(load(j), Contains("hil.missing_instrument") && Contains("#/scanner"));
  j = good;
  j["source"] = "GPIB0::5::INSTR";
  CHECK_THAT(load(j), Contains("hil.address") && Contains("#/source"));
  std::ofstream(file) << "{\"spiceloop_addresses\": 1,";
  CHECK_THAT(error_id([&] { spiceloop::hil::load_addresses_file(file.string()); }), Contains("hil.json_syntax"));
}

TEST_CASE("hil: a bench with digipots needs their address, and a dead instrument is a hil.instrument error", "[hil][socket]") {
  ScratchDir scratch("hil_dead");
  nlohmann::json a;
  {
    LabRig rig(bundled("benches/lab16_hil.json"), std::make_unique<IdealSimulator>(), scratch.dir);
    a = read_json(rig.addresses);
  }
  // The lab is gone: its ports refuse.
  write_json(scratch.dir / "gone.json", a);
  CHECK_THAT(error_id([&] { HilSimulator hil((scratch.dir / "gone.json").string()); }),
             Contains("hil.instrument") && Contains(a["source"].get<std::string>()));

  LabRig rig(bundled("benches/lab16_hil.json"), std::make_unique<IdealSimulator>(), scratch.dir);
  nlohmann::json no_dpot = read_json(rig.addresses);
  no_dpot.erase("digipots");
  write_json(scratch.dir / "nodpot.json", no_dpot);
  CHECK_THAT(error_id([&] { HilSimulator hil((scratch.dir / "nodpot.json").string()); }),
             Contains("hil.missing_instrument") && Contains("#/digipots"));
}
