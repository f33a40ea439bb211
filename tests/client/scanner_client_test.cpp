// ScannerClient against a test-only 34970A-like instrument (the scanner stand-in is being written
// in parallel): scan lists, readings as REAL,64 blocks (bit-exact) and as ASCII (nine digits), and
// a byte order another connection changed.
#include <catch2/catch.hpp>

#include "drivers/client/scanner_client.hpp"
#include "tests/client/helpers.hpp"

using namespace client_test;
using namespace spiceloop::client;
using Catch::Matchers::WithinRel;

namespace {

std::vector<double> readings(const std::vector<int>& channels) {
  std::vector<double> v;
  for (int ch : channels) v.push_back(MiniScanner::reading(ch));
  return v;
}

struct ScannerRig {
  MiniScanner scanner;
  spiceloop::server::InstrumentServer server{scanner.tree, scanner.status};
  std::string address() const { return visa(server.port()); }
};

}  // namespace

TEST_CASE("scanner client: configure sets the scan list and read() returns it bit-exactly", "[socket]") {
  ScannerRig rig;
  ScannerClient scanner(rig.address());
  const std::vector<int> channels{101, 102, 103, 110};
  scanner.configure_volts_dc(channels);
  {
    std::lock_guard lock(rig.server.mutex());
    CHECK(rig.scanner.scan == channels);
  }
  CHECK(scanner.scan_size() == 4);
  CHECK(scanner.read() == readings(channels));
  std::lock_guard lock(rig.server.mutex());
  CHECK(rig.scanner.format.binary);
}

TEST_CASE("scanner client: the ASCII path reads the same values to nine digits", "[socket]") {
  ScannerRig rig;
  ScannerClient scanner(rig.address(), {}, ScanFormat::Ascii);
  scanner.configure_volts_dc({105, 101});
  const auto values = scanner.read();
  REQUIRE(values.size() == 2);
  CHECK_THAT(values[0], WithinRel(MiniScanner::reading(105), 1e-8));
  CHECK_THAT(values[1], WithinRel(MiniScanner::reading(101), 1e-8));
  CHECK(values[0] != MiniScanner::reading(105));  // nine digits: not exact, which is why Real64 is the default
}

TEST_CASE("scanner client: measure_volts answers in the order asked", "[socket]") {
  ScannerRig rig;
  ScannerClient scanner(rig.address());
  CHECK(scanner.measure_volts({110, 101, 102, 103}) == readings({110, 101, 102, 103}));
  scanner.set_format(ScanFormat::Ascii);
  CHECK(scanner.measure_volts({120}).size() == 1);
}

TEST_CASE("scanner client: a byte order left SWAPped by another connection does not garble readings",
          "[socket]") {
  ScannerRig rig;
  ScannerClient scanner(rig.address());
  ScpiClient other(rig.address());
  other.write_checked("FORM:DATA REAL,64;:FORM:BORD SWAP");
  CHECK(scanner.measure_volts({101, 102}) == readings({101, 102}));
}

TEST_CASE("scanner client: initiate then fetch, NPLC per channel, abort", "[socket]") {
  ScannerRig rig;
  ScannerClient scanner(rig.address());
  scanner.configure_volts_dc({107, 108});
  scanner.set_nplc({107, 108}, 10);
  scanner.initiate();
  CHECK(scanner.fetch() == readings({107, 108}));
  scanner.abort();
  std::lock_guard lock(rig.server.mutex());
  CHECK(rig.scanner.nplc == std::map<int, double>{{107, 10.0}, {108, 10.0}});
  CHECK_FALSE(rig.scanner.initiated);
}

TEST_CASE("scanner client: a channel the instrument lacks is an Instrument error", "[socket]") {
  ScannerRig rig;
  ScannerClient scanner(rig.address());
  try {
    scanner.configure_volts_dc({101, 121});
    FAIL("no error");
  } catch (const ClientError& e) {
    CHECK(e.kind() == ClientErrorKind::Instrument);
    CHECK(e.code() == -222);
    CHECK(e.errors().size() == 2);  // CONF and ROUT:SCAN both refused
    CHECK(e.command() == "CONF:VOLT:DC (@101,121);:ROUT:SCAN (@101,121)");
  }
}
