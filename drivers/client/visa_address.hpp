// A VISA raw-socket resource string: `TCPIP[board]::<host>::<port>::SOCKET`, keywords in any case
// (`TCPIP0::127.0.0.1::5025::SOCKET`, `tcpip::lab-n6700::5025::socket`). Only raw SCPI sockets are
// spoken here, so INSTR (VXI-11, HiSLIP), GPIB, USB and ASRL resources are refused with an
// AddressError that quotes the text and says what was expected.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace spiceloop::client {

class AddressError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct VisaAddress {
  int board = 0;          // the digits after TCPIP; none means 0
  std::string host;       // as written: an IPv4/IPv6 literal or a host name
  std::uint16_t port = 0; // 1..65535

  // Throws AddressError naming `text` for anything but a TCPIP raw socket.
  static VisaAddress parse(std::string_view text);
  // The canonical form, `TCPIP<board>::<host>::<port>::SOCKET`.
  std::string text() const;
};

}  // namespace spiceloop::client
