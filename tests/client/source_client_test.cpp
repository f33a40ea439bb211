// SourceClient against the real source stand-in over a real socket: what it sets lands exactly
// (17 digits round-trip) on the bench, what it measures is the ideal solve of the same circuit,
// and a refused setting throws with the instrument's code.
#include <catch2/catch.hpp>
#include <mutex>

#include "drivers/client/source_client.hpp"
#include "tests/client/helpers.hpp"

using namespace client_test;
using namespace spiceloop;
using client::ClientError;
using client::ClientErrorKind;
using client::SourceClient;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

// The stand-in answers NR3 with nine significant digits.
void check_close(double answered, double expected) {
  CHECK_THAT(answered, WithinRel(expected, 1e-8) || WithinAbs(expected, 1e-15));
}

State reference_solve(const Network& network, std::vector<double> input_volts) {
  IdealSimulator reference;
  reference.load(network);
  Drive drive;
  drive.phase = Phase::Free;
  drive.input_volts = std::move(input_volts);
  return reference.solve(drive);
}

}  // namespace

TEST_CASE("source client: per-channel volts in one message land bit-exactly on the bench", "[socket]") {
  SourceRig rig;
  SourceClient source(rig.address());
  const std::vector<double> volts{0.1 + 0.2, -2.0 / 7.0, 1.0 / 3.0, 0.1 + 0.2};
  source.set_volts({1, 2, 3, 4}, volts);
  {
    std::lock_guard lock(rig.server.mutex());
    for (int ch = 1; ch <= 4; ++ch) CHECK(rig.bench.source_volts(ch) == volts[static_cast<std::size_t>(ch - 1)]);
  }
  const auto answered = source.volts({4, 1, 2});
  REQUIRE(answered.size() == 3);
  check_close(answered[0], volts[3]);
  check_close(answered[1], volts[0]);
  check_close(answered[2], volts[1]);
}

TEST_CASE("source client: measured volts and amps equal the ideal solve of the same circuit", "[socket]") {
  SourceRig rig;
  SourceClient source(rig.address());
  source.set_volts({1, 2}, 0.7);
  source.set_volts({3, 4}, std::vector<double>{1.3, -0.4});
  source.output({1, 2, 3, 4}, true);
  CHECK(source.outputs({1, 2, 3, 4}) == std::vector<bool>{true, true, true, true});

  const State expected = reference_solve(rig.bench.network(), {0.7, 0.7, 1.3, -0.4});
  const auto volts = source.measure_volts({1, 2, 3, 4});
  const auto amps = source.measure_amps({1, 2, 3, 4});
  REQUIRE(volts.size() == 4);
  REQUIRE(amps.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    const auto node = static_cast<std::size_t>(rig.bench.network().inputs[i].node);
    check_close(volts[i], expected.node_volts[node]);
    check_close(amps[i], expected.source_amps[i]);
  }
  CHECK(std::abs(amps[0]) > 1e-9);  // a real current flows, so the comparison means something
}

TEST_CASE("source client: an output switched off reads 0 V and the others stay on", "[socket]") {
  SourceRig rig;
  SourceClient source(rig.address());
  source.set_volts({1, 2, 3, 4}, 1.5);
  source.output({1, 2, 3, 4}, true);
  source.output({2}, false);
  CHECK(source.outputs({1, 2, 3}) == std::vector<bool>{true, false, true});
  CHECK(source.measure_volts({2}) == std::vector<double>{0.0});
  CHECK(source.volts({2}) == std::vector<double>{1.5});
}

TEST_CASE("source client: a refused setting throws with the instrument's code and changes nothing", "[socket]") {
  SourceRig rig;
  SourceClient source(rig.address());
  source.set_volts({1}, 2.0);
  try {
    source.set_volts({1, 5}, 1.0);
    FAIL("no error");
  } catch (const ClientError& e) {
    CHECK(e.kind() == ClientErrorKind::Instrument);
    CHECK(e.code() == -222);
    CHECK(e.command() == "VOLT 1,(@1,5)");
    CHECK_THAT(e.what(), Contains("channel 5 not installed (1..4)"));
  }
  CHECK(source.volts({1}) == std::vector<double>{2.0});
  CHECK_THROWS_AS(source.set_volts({1}, 25.0), ClientError);
  CHECK_THROWS_AS(source.set_current_limit({1}, 2.0), ClientError);
}

TEST_CASE("source client: unchecked settings send no error query; check_errors finds them later", "[socket]") {
  SourceRig rig;
  SourceClient source(rig.address());
  source.set_checked(false);
  CHECK_NOTHROW(source.set_volts({1, 5}, 1.0));
  try {
    source.scpi().check_errors();
    FAIL("no error");
  } catch (const ClientError& e) {
    CHECK(e.code() == -222);
    CHECK(e.command() == "VOLT 1,(@1,5)");
  }
}

TEST_CASE("source client: values it must not send are refused before anything is sent", "[socket]") {
  SourceRig rig;
  SourceClient source(rig.address());
  auto kind_of = [](auto&& f) {
    try {
      f();
    } catch (const ClientError& e) {
      return e.kind();
    }
    return ClientErrorKind::Io;
  };
  CHECK(kind_of([&] { source.set_volts({}, 1.0); }) == ClientErrorKind::Argument);
  CHECK(kind_of([&] { source.set_volts({1}, std::nan("")); }) == ClientErrorKind::Argument);
  CHECK(kind_of([&] { source.set_volts({1, 2}, std::vector<double>{1.0}); }) == ClientErrorKind::Argument);
  CHECK(kind_of([&] { source.measure_volts({}); }) == ClientErrorKind::Argument);
  CHECK(source.scpi().read_errors().empty());
  std::lock_guard lock(rig.server.mutex());
  CHECK(rig.bench.source_volts(1) == 0.0);
}

TEST_CASE("source client: current limits, channel count and *RST", "[socket]") {
  SourceRig rig;
  SourceClient source(rig.address());
  CHECK(source.channel_count() == 4);
  source.set_current_limit({2, 3}, 0.01);
  CHECK(source.current_limits({1, 2, 3}) == std::vector<double>{1.0, 0.01, 0.01});
  source.set_volts({1, 2, 3, 4}, 0.5);
  source.output({1, 2, 3, 4}, true);
  source.reset();
  CHECK(source.volts({1, 2, 3, 4}) == std::vector<double>{0, 0, 0, 0});
  CHECK(source.outputs({1, 2, 3, 4}) == std::vector<bool>{false, false, false, false});
}

TEST_CASE("source client: two clients share one instrument state", "[socket]") {
  SourceRig rig;
  SourceClient a(rig.address());
  SourceClient b(rig.address());
  a.set_volts({3}, 0.25);
  CHECK(b.volts({3}) == std::vector<double>{0.25});
}
