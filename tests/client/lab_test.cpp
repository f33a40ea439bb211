// The three drivers against the real source, scanner and digipot stand-ins on one emulated bench
// (lab16_digipot), each on its own port and serialised by one bench mutex, as `spiceloop serve`
// runs them: what the source and the digipots set, the scanner measures, bit-exactly in REAL,64.
#include <catch2/catch.hpp>
#include <memory>
#include <mutex>

#include "drivers/client/digipot_client.hpp"
#include "drivers/client/scanner_client.hpp"
#include "drivers/client/source_client.hpp"
#include "drivers/server/server_group.hpp"
#include "drivers/standins/digipot/digipot_bank.hpp"
#include "drivers/standins/scanner/scanner.hpp"
#include "tests/client/helpers.hpp"
#include "tests/common/paths.hpp"

using namespace client_test;
using namespace spiceloop;
using namespace spiceloop::client;

namespace {

struct Lab {
  Lab()
      : bench(load_bench_file(test::bench_file("lab16_digipot.json")), sim),
        source(bench),
        scanner(bench),
        digipots(bench) {
    auto m = std::make_shared<std::mutex>();
    source_port = group.add(source.tree(), source.status(), m);
    scanner_port = group.add(scanner.tree(), scanner.status(), m);
    digipot_port = group.add(digipots.tree(), digipots.status(), m);
    group.start();
  }
  std::string address(std::size_t index) const { return visa(group.port(index)); }
  std::mutex& mutex() { return group.mutex(0); }

  IdealSimulator sim;
  Bench bench;
  standins::Source source;
  standins::Scanner scanner;
  standins::DigipotBank digipots;
  server::ServerGroup group;  // declared last: stops before the instruments go
  std::size_t source_port = 0, scanner_port = 0, digipot_port = 0;
};

}  // namespace

TEST_CASE("lab: the scanner reads, bit-exactly, the node volts the source and digipots set up", "[socket]") {
  Lab lab;
  SourceClient source(lab.address(lab.source_port));
  ScannerClient scanner(lab.address(lab.scanner_port));
  DigipotClient digipots(lab.address(lab.digipot_port));

  source.set_volts({1, 2, 3, 4}, std::vector<double>{0.7, 0.1 + 0.2, 1.3, -0.4});
  source.output({1, 2, 3, 4}, true);
  digipots.set_codes({1, 2, 3}, {10, 100, 64});
  CHECK(digipots.codes({3, 1, 2}) == std::vector<int>{64, 10, 100});
  digipots.step(2, -7);
  CHECK(digipots.codes({2}) == std::vector<int>{93});

  const std::vector<int> channels{101, 102, 103, 108, 110};
  scanner.configure_volts_dc(channels);
  CHECK(scanner.scan_size() == 5);
  CHECK(scanner.scan_list() == channels);
  const auto read = scanner.read();
  scanner.initiate();
  CHECK(scanner.fetch() == read);
  const auto measured = scanner.measure_volts({110, 102});
  CHECK(scanner.scan_list() == std::vector<int>{110, 102});  // MEAS? reconfigures, as on the 34970A

  std::lock_guard lock(lab.mutex());
  CHECK(lab.bench.digipot_code(2) == 93);
  REQUIRE(read.size() == channels.size());
  for (std::size_t i = 0; i < channels.size(); ++i) CHECK(read[i] == lab.bench.measure_scanner_volts(channels[i]));
  CHECK(measured == std::vector<double>{lab.bench.measure_scanner_volts(110), lab.bench.measure_scanner_volts(102)});
  CHECK(read[0] == 0.7);  // channel 101 sits on the source's node n1
  CHECK(read[1] != 0.0);
}

TEST_CASE("lab: the digipot stand-in reports nominal resistances and refuses codes beyond its taps", "[socket]") {
  Lab lab;
  DigipotClient digipots(lab.address(lab.digipot_port));
  digipots.set_code({1, 2}, 20);
  const auto ohms = digipots.resistance_ohms({1, 2});
  {
    std::lock_guard lock(lab.mutex());
    CHECK_THAT(ohms[0], Catch::Matchers::WithinRel(lab.digipots.board().nominal_ohms(1), 1e-8));
  }
  CHECK(ohms[0] == ohms[1]);
  try {
    digipots.set_code({1}, 100000);
    FAIL("no error");
  } catch (const ClientError& e) {
    CHECK(e.code() == -222);
  }
  CHECK(digipots.codes({1}) == std::vector<int>{20});
}

TEST_CASE("lab: a digipot write followed by *OPC? is seen by the next scan on another socket", "[socket]") {
  // Two sockets have no order between them (nor do two instruments): a write on one followed at once
  // by a scan on the other may or may not be seen. *OPC? answers only once the write has run, so
  // lab code that waits on it always measures the new circuit.
  Lab lab;
  SourceClient source(lab.address(lab.source_port));
  source.set_volts({1, 2, 3, 4}, std::vector<double>{0.7, 0.3, 1.3, -0.4});
  source.output({1, 2, 3, 4}, true);
  ScannerClient scanner(lab.address(lab.scanner_port));
  scanner.configure_volts_dc({102, 103, 108, 110});
  ScpiClient pots(lab.address(lab.digipot_port));
  std::vector<std::vector<double>> expected;
  for (int code : {10, 100}) {
    pots.write_checked("DPOT:CODE " + std::to_string(code) + ",(@1:3)");
    expected.push_back(scanner.read());
  }
  REQUIRE(expected[0] != expected[1]);
  for (int i = 0; i < 200; ++i) {
    pots.write(i % 2 ? "DPOT:CODE 100,(@1:3)" : "DPOT:CODE 10,(@1:3)");
    REQUIRE(pots.query("*OPC?") == "1");
    REQUIRE(scanner.read() == expected[static_cast<std::size_t>(i % 2)]);
  }
}
