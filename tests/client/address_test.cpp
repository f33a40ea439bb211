// VISA resource strings: what parses, and a clear refusal naming the text for everything else.
#include <catch2/catch.hpp>

#include "drivers/client/visa_address.hpp"

using spiceloop::client::AddressError;
using spiceloop::client::VisaAddress;
using Catch::Matchers::Contains;

TEST_CASE("address: TCPIP0::127.0.0.1::5025::SOCKET gives board 0, the host and the port") {
  const auto a = VisaAddress::parse("TCPIP0::127.0.0.1::5025::SOCKET");
  CHECK(a.board == 0);
  CHECK(a.host == "127.0.0.1");
  CHECK(a.port == 5025);
  CHECK(a.text() == "TCPIP0::127.0.0.1::5025::SOCKET");
}

TEST_CASE("address: keywords match in any case and TCPIP without a board means board 0") {
  const auto a = VisaAddress::parse("tcpip::Lab-N6700.local::5025::socket");
  CHECK(a.board == 0);
  CHECK(a.host == "Lab-N6700.local");  // host names keep their case
  CHECK(a.port == 5025);
  CHECK(a.text() == "TCPIP0::Lab-N6700.local::5025::SOCKET");
  const auto b = VisaAddress::parse("TcpIp3::10.0.0.7::65535::Socket");
  CHECK(b.board == 3);
  CHECK(b.port == 65535);
}

TEST_CASE("address: a bracketed IPv6 host keeps its colons") {
  const auto a = VisaAddress::parse("TCPIP0::[::1]::5025::SOCKET");
  CHECK(a.host == "::1");
  CHECK(a.port == 5025);
  CHECK(a.text() == "TCPIP0::[::1]::5025::SOCKET");
}

TEST_CASE("address: anything but a TCPIP raw socket is refused with the text and the reason") {
  struct Bad {
    const char* text;
    const char* reason;
  };
  const Bad bad[] = {
      {"", "only TCPIP resources"},
      {"GPIB0::12::INSTR", "only TCPIP resources"},
      {"USB0::0x2A8D::0x0101::MY123::INSTR", "only TCPIP resources"},
      {"TCPIPX::127.0.0.1::5025::SOCKET", "board number 'X'"},
      {"TCPIP0::127.0.0.1::INSTR", "INSTR (VXI-11/HiSLIP)"},
      {"TCPIP0::127.0.0.1::inst0::INSTR", "the last field must be SOCKET"},
      {"TCPIP0::127.0.0.1::5025", "a port and the SOCKET suffix"},
      {"TCPIP0::127.0.0.1", "a port and the SOCKET suffix"},
      {"TCPIP0::127.0.0.1::5025::SOCKET::extra", "expected 4 fields"},
      {"TCPIP0::127.0.0.1::5025::RAW", "the last field must be SOCKET, not 'RAW'"},
      {"TCPIP0::::5025::SOCKET", "the host is empty"},
      {"TCPIP0::lab host::5025::SOCKET", "contains a space"},
      {"TCPIP0::127.0.0.1::50x5::SOCKET", "the port '50x5' is not a number"},
      {"TCPIP0::127.0.0.1::-1::SOCKET", "the port '-1' is not a number"},
      {"TCPIP0::127.0.0.1::0::SOCKET", "outside 1..65535"},
      {"TCPIP0::127.0.0.1::70000::SOCKET", "outside 1..65535"},
  };
  for (const auto& b : bad) {
    INFO(b.text);
    CHECK_THROWS_AS(VisaAddress::parse(b.text), AddressError);
    CHECK_THROWS_WITH(VisaAddress::parse(b.text),
                      Contains("[client.address] '" + std::string(b.text) + "'") && Contains(b.reason));
  }
}
