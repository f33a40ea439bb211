// Parsing of `TCPIP[board]::<host>::<port>::SOCKET`; every refusal quotes the text and the expected form.
#include "drivers/client/visa_address.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

namespace spiceloop::client {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
         });
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

[[noreturn]] void fail(std::string_view text, std::string_view why) {
  throw AddressError("[client.address] '" + std::string(text) + "': " + std::string(why) +
                     " (expected TCPIP[board]::<host>::<port>::SOCKET, e.g. TCPIP0::127.0.0.1::5025::SOCKET)");
}

// Splits on "::"; an IPv6 host is bracketed (`[::1]`), so a "::" inside brackets is not a separator.
std::vector<std::string_view> split(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    std::size_t from = start;
    if (start < text.size() && text[start] == '[')
      if (const std::size_t close = text.find(']', start); close != std::string_view::npos) from = close;
    const std::size_t sep = text.find("::", from);
    parts.push_back(text.substr(start, sep == std::string_view::npos ? std::string_view::npos : sep - start));
    if (sep == std::string_view::npos) return parts;
    start = sep + 2;
  }
}

}  // namespace

VisaAddress VisaAddress::parse(std::string_view text) {
  const auto parts = split(text);
  const std::string_view iface = parts.front();
  if (iface.size() < 5 || !iequals(iface.substr(0, 5), "TCPIP"))
    fail(text, "only TCPIP resources are supported, not '" + std::string(iface) + "'");
  VisaAddress a;
  if (const std::string_view digits = iface.substr(5); !digits.empty()) {
    if (!all_digits(digits) || digits.size() > 3) fail(text, "board number '" + std::string(digits) + "' is not a number");
    std::from_chars(digits.data(), digits.data() + digits.size(), a.board);
  }
  if (parts.size() == 3 && iequals(parts[2], "INSTR"))
    fail(text, "INSTR (VXI-11/HiSLIP) resources are not supported; use the raw socket port");
  if (parts.size() == 2 || (parts.size() == 3 && !iequals(parts[2], "SOCKET")))
    fail(text, "a port and the SOCKET suffix are required");
  if (parts.size() != 4) fail(text, "expected 4 fields separated by '::', found " + std::to_string(parts.size()));
  if (!iequals(parts[3], "SOCKET")) fail(text, "the last field must be SOCKET, not '" + std::string(parts[3]) + "'");

  std::string_view host = parts[1];
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) fail(text, "the host is empty");
  if (std::any_of(host.begin(), host.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)) || c == '/'; }))
    fail(text, "the host '" + std::string(host) + "' contains a space or '/'");
  a.host = std::string(host);

  const std::string_view port = parts[2];
  unsigned value = 0;
  if (!all_digits(port) || port.size() > 5) fail(text, "the port '" + std::string(port) + "' is not a number");
  std::from_chars(port.data(), port.data() + port.size(), value);
  if (value < 1 || value > 65535) fail(text, "the port " + std::string(port) + " is outside 1..65535");
  a.port = static_cast<std::uint16_t>(value);
  return a;
}

std::string VisaAddress::text() const {
  const bool v6 = host.find(':') != std::string::npos;
  return "TCPIP" + std::to_string(board) + "::" + (v6 ? "[" + host + "]" : host) + "::" + std::to_string(port) + "::SOCKET";
}

}  // namespace spiceloop::client
