// ScpiClient over real loopback sockets: round trips with the real source stand-in, definite
// blocks in both byte orders, instrument errors, and every way a peer can fail (silence, refusal,
// closing, garbage), each surfacing as a ClientError naming the address and the command.
#include <catch2/catch.hpp>
#include <chrono>

#include "drivers/client/scpi_client.hpp"
#include "tests/client/helpers.hpp"

using namespace client_test;
using spiceloop::client::ClientError;
using spiceloop::client::ClientErrorKind;
using spiceloop::client::ClientOptions;
using spiceloop::client::ScpiClient;
using Catch::Matchers::Contains;

namespace {

// Runs f, which must throw ClientError; returns it.
template <class F>
ClientError client_error(F&& f) {
  try {
    f();
  } catch (const ClientError& e) {
    return e;
  }
  FAIL("no ClientError thrown");
  throw;  // unreachable
}

}  // namespace

TEST_CASE("scpi client: *IDN? and a setting round trip through the real source stand-in", "[socket]") {
  SourceRig rig;
  ScpiClient c(rig.address());
  CHECK(c.connected());
  CHECK(c.address().port == rig.server.port());
  CHECK(c.identify() == "spiceloop,N6700-emulated,SL-N6700-0001,0.1");
  c.write("VOLT 1.25,(@2)");
  CHECK(c.query_numbers("VOLT? (@1,2)") == std::vector<double>{0.0, 1.25});
  CHECK(c.query("SYST:CHAN?") == "+4");
  c.check_errors();
  CHECK(c.read_errors().empty());
}

TEST_CASE("scpi client: a query sent with write() is read with read_line()", "[socket]") {
  SourceRig rig;
  ScpiClient c(rig.address());
  c.write("SYST:CHAN?;*IDN?");
  CHECK(c.read_line() == "+4;spiceloop,N6700-emulated,SL-N6700-0001,0.1");
}

TEST_CASE("scpi client: a definite block may hold newlines and is read by its length", "[socket]") {
  MiniScanner scanner;
  spiceloop::server::InstrumentServer server(scanner.tree, scanner.status);
  ScpiClient c(visa(server.port()));
  CHECK(c.query_block("TEST:BLOCK?") == std::string("a\nb#3\r\n\0z", 10));
  CHECK(c.query_block("TEST:EMPT?").empty());
  CHECK(c.identify() == "spiceloop-test,MINI-SCANNER,0,0");  // still in step after the blocks
}

TEST_CASE("scpi client: REAL,64 blocks decode bit-exactly in both byte orders", "[socket]") {
  MiniScanner scanner;
  spiceloop::server::InstrumentServer server(scanner.tree, scanner.status);
  ScpiClient c(visa(server.port()));
  const std::vector<double> expected{MiniScanner::reading(101), MiniScanner::reading(103), MiniScanner::reading(120)};

  c.write("FORM:DATA REAL,64");
  CHECK(c.query_real64("MEAS:VOLT:DC? (@101,103,120)") == expected);
  CHECK(c.query_real64("MEAS:VOLT:DC? (@101,103,120)", true) == expected);

  c.write("FORM:BORD SWAP");
  CHECK(c.query_real64("MEAS:VOLT:DC? (@101,103,120)", false) == expected);
  // Read in the wrong order the same bytes are other numbers: the order really is honoured.
  CHECK(c.query_real64("MEAS:VOLT:DC? (@101,103,120)", true) != expected);
  c.check_errors();
}

TEST_CASE("scpi client: an ASCII answer where a block is expected is Malformed and leaves the stream in step",
          "[socket]") {
  MiniScanner scanner;
  spiceloop::server::InstrumentServer server(scanner.tree, scanner.status);
  ScpiClient c(visa(server.port()));
  const auto e = client_error([&] { c.query_block("MEAS:VOLT:DC? (@101)"); });
  CHECK(e.kind() == ClientErrorKind::Malformed);
  CHECK(e.command() == "MEAS:VOLT:DC? (@101)");
  CHECK_THAT(e.what(), Contains("expected a definite block") && Contains("'+1.40952381E+01'"));
  CHECK(c.identify() == "spiceloop-test,MINI-SCANNER,0,0");
}

TEST_CASE("scpi client: check_errors surfaces an instrument error with its code, text and command", "[socket]") {
  SourceRig rig;
  ScpiClient c(rig.address());
  c.write("VOLT 30,(@1)");
  const auto e = client_error([&] { c.check_errors(); });
  CHECK(e.kind() == ClientErrorKind::Instrument);
  CHECK(e.code() == -222);
  REQUIRE(e.errors().size() == 1);
  CHECK(e.errors()[0].text == "Data out of range");
  CHECK(e.command() == "VOLT 30,(@1)");
  CHECK(e.address() == rig.address());
  CHECK(std::string(e.what()) ==
        "[client.instrument] " + rig.address() + ": 'VOLT 30,(@1)': instrument error -222,\"Data out of range\"");
  CHECK_NOTHROW(c.check_errors());  // drained
}

TEST_CASE("scpi client: check_errors reports every queued error, oldest first", "[socket]") {
  SourceRig rig;
  ScpiClient c(rig.address());
  c.write("FOO 1;:VOLT 3,(@1,5)");
  const auto e = client_error([&] { c.check_errors(); });
  REQUIRE(e.errors().size() == 2);
  CHECK(e.errors()[0].code == -113);
  CHECK(e.errors()[1].code == -222);
  CHECK(e.errors()[1].text == "Data out of range;channel 5 not installed (1..4)");
  CHECK_THAT(e.what(), Contains("-113,\"Undefined header\"") && Contains("(then -222,"));
}

TEST_CASE("scpi client: write_checked throws for a refused command and passes a good one", "[socket]") {
  SourceRig rig;
  ScpiClient c(rig.address());
  const auto e = client_error([&] { c.write_checked("VOLT 3,(@1,5)"); });
  CHECK(e.code() == -222);
  CHECK(e.command() == "VOLT 3,(@1,5)");
  CHECK_NOTHROW(c.write_checked("VOLT 3,(@1)\n"));
  CHECK(c.query_numbers("VOLT? (@1)") == std::vector<double>{3.0});
}

TEST_CASE("scpi client: a peer that never answers times out naming the address and the command", "[socket]") {
  RawServer silent(RawServer::Mode::Silent);
  ScpiClient c(silent.address(), ClientOptions{.timeout = 300ms});
  const auto start = std::chrono::steady_clock::now();
  const auto e = client_error([&] { c.query("*IDN?"); });
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(e.kind() == ClientErrorKind::Timeout);
  CHECK(took >= 290ms);
  CHECK(took < 2s);
  CHECK(std::string(e.what()) == "[client.timeout] " + silent.address() + ": '*IDN?': no answer within 300 ms");
  CHECK_FALSE(c.connected());  // dropped, so a late answer cannot pose as the next one
}

TEST_CASE("scpi client: connecting clears an error another client left in the instrument's queue", "[socket]") {
  // Regression: HIL training aborted on a stale error, blaming its own command.
  SourceRig rig;
  ScpiClient other(rig.address(), ClientOptions{.clear_on_connect = false});
  other.write("FOO 1");
  REQUIRE(other.query("SYST:ERR:COUN?") == "+1");
  ScpiClient c(rig.address());
  CHECK_NOTHROW(c.write_checked("VOLT 1,(@1)"));
  CHECK_NOTHROW(c.check_errors());
  // Without the clear the stale error is read as the new client's own.
  other.write("FOO 2");
  ScpiClient keeps(rig.address(), ClientOptions{.clear_on_connect = false});
  const auto e = client_error([&] { keeps.write_checked("VOLT 1,(@1)"); });
  CHECK(e.code() == -113);
}

TEST_CASE("scpi client: after a refused query times out the next call reconnects", "[socket]") {
  SourceRig rig;
  ScpiClient c(rig.address(), ClientOptions{.timeout = 300ms});
  const auto e = client_error([&] { c.query("NOPE?"); });  // -113: an instrument answers nothing
  CHECK(e.kind() == ClientErrorKind::Timeout);
  CHECK(e.command() == "NOPE?");
  CHECK(c.identify() == "spiceloop,N6700-emulated,SL-N6700-0001,0.1");
  const auto queued = c.read_errors();  // the queue is the instrument's, so it outlives the connection
  REQUIRE(queued.size() == 1);
  CHECK(queued[0].code == -113);
}

TEST_CASE("scpi client: a refused connection is a Connect error naming the address", "[socket]") {
  const std::string address = visa(closed_port());
  const auto e = client_error([&] { ScpiClient c(address, ClientOptions{.timeout = 1000ms}); });
  CHECK(e.kind() == ClientErrorKind::Connect);
  CHECK(e.address() == address);
  CHECK_THAT(e.what(), Contains("[client.connect] " + address) && Contains("cannot connect"));
}

TEST_CASE("scpi client: a peer that closes the connection is Closed, not a hang", "[socket]") {
  RawServer closing(RawServer::Mode::CloseOnAccept);
  ScpiClient c(closing.address(), ClientOptions{.timeout = 2000ms});
  const auto start = std::chrono::steady_clock::now();
  const auto e = client_error([&] { c.query("*IDN?"); });
  CHECK(e.kind() == ClientErrorKind::Closed);
  CHECK(e.command() == "*IDN?");
  CHECK(std::chrono::steady_clock::now() - start < 1900ms);  // not the 2 s timeout
}

TEST_CASE("scpi client: answers that are not what the query promises are Malformed", "[socket]") {
  SECTION("numbers") {
    RawServer peer(RawServer::Mode::Reply, "hello\n");
    ScpiClient c(peer.address());
    const auto e = client_error([&] { c.query_numbers("MEAS:VOLT? (@1)"); });
    CHECK(e.kind() == ClientErrorKind::Malformed);
    CHECK_THAT(e.what(), Contains("'MEAS:VOLT? (@1)'") && Contains("got 'hello'"));
  }
  SECTION("an error entry") {
    RawServer peer(RawServer::Mode::Reply, "1.5\n");
    ScpiClient c(peer.address());
    const auto e = client_error([&] { c.check_errors(); });
    CHECK(e.kind() == ClientErrorKind::Malformed);
    CHECK_THAT(e.what(), Contains("not an error entry: '1.5'"));
  }
  SECTION("a block length that is not a number") {
    RawServer peer(RawServer::Mode::Reply, "#2x1abc\n");
    ScpiClient c(peer.address());
    CHECK_THROWS_WITH(c.query_block("READ?"), Contains("block length is not a number"));
  }
  SECTION("a block not followed by a newline") {
    RawServer peer(RawServer::Mode::Reply, "#13abcX\n");
    ScpiClient c(peer.address());
    CHECK_THROWS_WITH(c.query_block("READ?"), Contains("not followed by a newline"));
  }
  SECTION("a REAL,64 block that is not whole doubles") {
    RawServer peer(RawServer::Mode::Reply, "#13abc\n");
    ScpiClient c(peer.address());
    CHECK_THROWS_WITH(c.query_real64("READ?"), Contains("3 bytes is not a whole number of doubles"));
  }
  SECTION("an indefinite block") {
    RawServer peer(RawServer::Mode::Reply, "#0abc\n");
    ScpiClient c(peer.address());
    CHECK_THROWS_WITH(c.query_block("READ?"), Contains("#0"));
  }
  SECTION("a block shorter than its length") {
    RawServer peer(RawServer::Mode::Reply, "#15abc\n");
    ScpiClient c(peer.address(), ClientOptions{.timeout = 300ms});
    const auto e = client_error([&] { c.query_block("READ?"); });
    CHECK(e.kind() == ClientErrorKind::Timeout);
    CHECK_THAT(e.what(), Contains("no complete answer"));
  }
  SECTION("a line longer than max_answer_bytes") {
    RawServer peer(RawServer::Mode::Reply, std::string(100, '7') + "\n");
    ScpiClient c(peer.address(), ClientOptions{.max_answer_bytes = 32});
    CHECK_THROWS_WITH(c.query("READ?"), Contains("answer longer than 32 bytes"));
  }
}

TEST_CASE("scpi client: a client moves with its connection", "[socket]") {
  SourceRig rig;
  ScpiClient a(rig.address());
  ScpiClient b = std::move(a);
  CHECK(b.identify() == "spiceloop,N6700-emulated,SL-N6700-0001,0.1");
}

TEST_CASE("scpi client: a host name is resolved, trying each address it gives", "[socket]") {
  SourceRig rig;  // bound to 127.0.0.1 only: if localhost gives ::1 first, that one is refused
  ScpiClient c("tcpip::localhost::" + std::to_string(rig.server.port()) + "::socket");
  CHECK(c.identify() == "spiceloop,N6700-emulated,SL-N6700-0001,0.1");
}
