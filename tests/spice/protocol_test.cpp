// The parent <-> worker protocol (emulator/spice/protocol.hpp) without a worker: every payload
// round-trips field for field, the byte layout is the one both sides were built against, and a
// malformed payload is a ProtocolError rather than a crash or a huge allocation.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "emulator/spice/protocol.hpp"
#include "tests/common/drives.hpp"
#include "tests/common/network_checks.hpp"
#include "tests/common/networks.hpp"

using namespace spiceloop;
using namespace spiceloop::protocol;

namespace {

// The expected bytes of a payload, written field by field from the layout in protocol.hpp.
struct Bytes {
  std::string out;
  Bytes& u32(std::uint32_t v) { return raw(&v, 4); }
  Bytes& i32(std::int32_t v) { return raw(&v, 4); }
  Bytes& f64(double v) { return raw(&v, 8); }
  Bytes& str(const std::string& s) {
    u32(static_cast<std::uint32_t>(s.size()));
    out += s;
    return *this;
  }
  Bytes& f64s(const std::vector<double>& v) {
    u32(static_cast<std::uint32_t>(v.size()));
    for (double x : v) f64(x);
    return *this;
  }
  Bytes& raw(const void* p, std::size_t n) {
    out.append(static_cast<const char*>(p), n);
    return *this;
  }
};

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same_bits(a[i], b[i])) return false;
  return true;
}

// A network with every element kind, awkward values and more than one input and output.
Network every_kind() {
  Network net = test::diode_network(3, 6, 4, 2);
  test::make_digipot(net.edges[1], 77);
  net.edges[0].siemens = 1.0 / 3.0;
  net.edges[0].trainable = false;
  net.edges[2].min_siemens = std::numeric_limits<double>::denorm_min();
  Edge& t = net.edges[3];  // a transistor with every model value off its default
  t.kind = ElementKind::Transistor;
  t.gate_volts = 4.0 / 3.0, t.min_gate_volts = 0.8, t.max_gate_volts = 7.5;
  t.k_amps_per_volt2 = 5.2e-4, t.threshold_volts = 0.7, t.lambda_per_volt = 0.01;
  Edge& m = net.edges[4];  // a memristor with a sinh read
  m.kind = ElementKind::Memristor;
  m.memristor.read_volts = 0.3;
  return net;
}

}  // namespace

TEST_CASE("ngspice protocol: a network round-trips field for field", "[protocol]") {
  const Network net = every_kind();
  test::require_same_network(net, decode<Network>(encode(net)));
}

TEST_CASE("ngspice protocol: conductances, options, drives and faults round-trip", "[protocol]") {
  const std::vector<double> k = {0.0, -0.0, 1e-300, std::numeric_limits<double>::denorm_min(), 0.1, 1.0 / 3.0, 1e308};
  CHECK(same_bits(decode<std::vector<double>>(encode(k)), k));
  CHECK(decode<std::vector<double>>(encode(std::vector<double>{})).empty());

  SolverOptions o;
  o.reltol = 1e-7;
  o.abstol_amps = 2e-14;
  o.vntol_volts = 3e-9;
  o.gmin_siemens = 4e-13;
  o.newton_max_iterations = 77;
  o.kcl_tolerance = 5e-5;
  o.reuse_ordering = false;
  const SolverOptions ob = decode<SolverOptions>(encode(o));
  CHECK(ob.reltol == o.reltol);
  CHECK(ob.abstol_amps == o.abstol_amps);
  CHECK(ob.vntol_volts == o.vntol_volts);
  CHECK(ob.gmin_siemens == o.gmin_siemens);
  CHECK(ob.newton_max_iterations == o.newton_max_iterations);
  CHECK(ob.kcl_tolerance == o.kcl_tolerance);
  CHECK(ob.reuse_ordering == false);

  Drive nudged = test::nudged_drive({1e-4, -2e-4});
  nudged.input_volts = {0.5, -0.25};
  for (const Drive& d : {test::free_drive(), test::free_drive({0.1, 0.2}), test::clamped_drive({0.3}), nudged,
                         test::twin_drive(0.35, {0.2, -0.1})}) {
    const Drive b = decode<Drive>(encode(d));
    CHECK(b.phase == d.phase);
    CHECK(same_bits(b.input_volts, d.input_volts));
    CHECK(same_bits(b.clamp_volts, d.clamp_volts));
    CHECK(same_bits(b.nudge_amps, d.nudge_amps));
    CHECK(same_bits(b.twin_eta, d.twin_eta));
    CHECK(same_bits(b.twin_targets, d.twin_targets));
  }

  for (WorkerFault f : {WorkerFault::AbortNow, WorkerFault::AbortInNextSolve, WorkerFault::ControlledExitInNextSolve,
                        WorkerFault::HangInNextSolve})
    CHECK(decode<WorkerFault>(encode(f)) == f);
}

TEST_CASE("ngspice protocol: ready, result and error replies round-trip", "[protocol]") {
  const Ready r = decode<Ready>(encode(Ready{4242, "/tmp/spiceloop-ngspice-abc"}));
  CHECK(r.pid == 4242);
  CHECK(r.private_dir == "/tmp/spiceloop-ngspice-abc");

  SolveResult s;
  s.circuit_loads = 1;
  s.alters = 12;
  s.stepped = true;
  s.node_volts = {0.0, 0.75, -1.0 / 3.0};
  s.twin_volts = {0.0, 0.5};
  const SolveResult sb = decode<SolveResult>(encode(s));
  CHECK(sb.circuit_loads == 1);
  CHECK(sb.alters == 12);
  CHECK(sb.stepped);
  CHECK(same_bits(sb.node_volts, s.node_volts));
  CHECK(same_bits(sb.twin_volts, s.twin_volts));

  for (ErrorClass c : {ErrorClass::Input, ErrorClass::Simulation}) {
    const ErrorReply e = decode<ErrorReply>(encode(ErrorReply{c, "spice.solve_failed", "free phase", "singular matrix\nline 2"}));
    CHECK(e.error_class == c);
    CHECK(e.id == "spice.solve_failed");
    CHECK(e.where == "free phase");
    CHECK(e.message == "singular matrix\nline 2");
  }
}

TEST_CASE("ngspice protocol: the byte layout of every payload is the documented one", "[protocol]") {
  CHECK(encode(Ready{7, "dir"}) == Bytes().u32(7).str("dir").out);
  CHECK(encode(ErrorReply{ErrorClass::Input, "a.b", "w", "m"}) == Bytes().u32(0).str("a.b").str("w").str("m").out);
  CHECK(encode(WorkerFault::HangInNextSolve) == Bytes().u32(3).out);
  CHECK(encode(std::vector<double>{0.5, -2.0}) == Bytes().f64s({0.5, -2.0}).out);

  SolverOptions o;
  o.reuse_ordering = false;
  CHECK(encode(o) == Bytes()
                         .f64(o.reltol)
                         .f64(o.abstol_amps)
                         .f64(o.vntol_volts)
                         .f64(o.gmin_siemens)
                         .i32(o.newton_max_iterations)
                         .f64(o.kcl_tolerance)
                         .i32(0)
                         .out);

  Drive d = test::twin_drive(0.5, {0.25});
  d.input_volts = {1.0};
  CHECK(encode(d) == Bytes().u32(3).f64s({1.0}).f64s({}).f64s({}).f64(0.5).f64s({0.25}).out);

  SolveResult s;
  s.circuit_loads = 1;
  s.alters = 2;
  s.stepped = true;
  s.node_volts = {0.0, 0.75};
  CHECK(encode(s) == Bytes().u32(1).u32(2).u32(1).f64s({0.0, 0.75}).f64s({}).out);

  Network net = test::divider();
  net.edges.resize(1);
  const Edge& e = net.edges[0];
  CHECK(encode(net) == Bytes()
                           .str("divider")
                           .u32(3).str("gnd").str("in").str("out")
                           .u32(1).str("R1").i32(1).i32(2).u32(0).u32(1)
                           .f64(e.siemens).f64(e.min_siemens).f64(e.max_siemens)
                           .i32(0).f64(0.0).f64(0.0).i32(0).f64(0.0).f64(1.0)
                           .f64(0.0).f64(0.0).f64(0.0).f64(0.0).f64(0.0).f64(0.0)  // transistor fields
                           .f64(0.0)  // memristor read_volts
                           .u32(1).i32(1).f64(1.0)
                           .u32(1).i32(2)
                           .out);
}

TEST_CASE("ngspice protocol: a malformed payload is a ProtocolError", "[protocol]") {
  const std::string good = encode(every_kind());
  SECTION("every truncation") {
    for (std::size_t n = 0; n < good.size(); ++n) CHECK_THROWS_AS(decode<Network>(good.substr(0, n)), ProtocolError);
  }
  SECTION("a trailing byte") { CHECK_THROWS_AS(decode<Network>(good + "x"), ProtocolError); }
  SECTION("an element count no payload could hold, refused before allocating") {
    const std::string huge = Bytes().str("n").u32(1).str("gnd").u32(0xFFFFFFFFu).out;
    CHECK_THROWS_WITH(decode<Network>(huge), "payload too short");
    CHECK_THROWS_WITH(decode<std::vector<double>>(Bytes().u32(0x20000000u).out), "payload too short");
  }
  SECTION("an enum past its last value") {
    CHECK_THROWS_WITH(decode<Drive>(Bytes().u32(4).f64s({}).f64s({}).f64s({}).f64(0).f64s({}).out), "bad phase");
    CHECK_THROWS_WITH(decode<WorkerFault>(Bytes().u32(4).out), "bad worker fault");
    CHECK_THROWS_WITH(decode<ErrorReply>(Bytes().u32(2).str("").str("").str("").out), "bad error class");
    Network net = test::divider();
    net.edges[0].kind = static_cast<ElementKind>(5);  // one past Memristor
    CHECK_THROWS_WITH(decode<Network>(encode(net)), "bad element kind");
  }
  SECTION("a node index out of range") {
    Network net = test::divider();
    net.edges[1].b = 3;
    CHECK_THROWS_WITH(decode<Network>(encode(net)), "edge node out of range");
    net = test::divider();
    net.inputs[0].node = -1;
    CHECK_THROWS_WITH(decode<Network>(encode(net)), "input node out of range");
    net = test::divider();
    net.outputs = {5};
    CHECK_THROWS_WITH(decode<Network>(encode(net)), "output node out of range");
  }
}
