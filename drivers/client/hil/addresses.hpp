// The addresses file: where the instruments of one bench answer, as `spiceloop serve BENCH
// --addresses ADDRS.json` writes it (standins::Lab::addresses_json) or a lab writes it by hand for
// real instruments:
//
//   {"spiceloop_addresses": 1,
//    "bench":    "../benches/lab16_hil.json",           relative to this file's folder, or absolute
//    "source":   "TCPIP0::127.0.0.1::5025::SOCKET",     required
//    "scanner":  "TCPIP0::127.0.0.1::5026::SOCKET",     required (every node is read through it)
//    "digipots": "TCPIP0::127.0.0.1::5027::SOCKET",     required when the bench has digipot channels
//    "pulser":   "TCPIP0::127.0.0.1::5028::SOCKET",     required when the bench has a "pulser"
//    ...}                                               other keys (network, smu, control, ...) ignored
//
// Or the lab board of the transistor machine (`spiceloop board NETWORK --addresses ADDRS.json`):
//   {"spiceloop_addresses": 1,
//    "network": "../clln4x4.json",                     the board's network, as "bench" above
//    "board":   "TCPIP0::127.0.0.1::5040::SOCKET"}      its serial protocol on TCP, or its serial
//                                                       device "ASRL/dev/ttyACM0::INSTR"; then no bench
//
// Every failure is an InputError "hil.<what>" located by "<file>#<JSON pointer>":
//   hil.unreadable_file, hil.json_syntax (and the JSON layer's other ids), hil.not_addresses,
//   hil.version, hil.bench, hil.network, hil.missing_instrument, hil.address.
// This module may include emulator/ (it is the bridge); drivers/client itself never does.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace spiceloop::hil {

struct HilAddresses {
  std::string file;        // where it was read from ("" when parsed from memory)
  std::string bench_path;  // resolved against the file's folder
  std::string source;      // VISA resources, validated by client::VisaAddress::parse
  std::string scanner;
  std::optional<std::string> digipots;
  std::optional<std::string> board;  // set: a board file (network_path set, bench_path and the rest empty)
  std::string network_path;
  std::optional<std::string> pulser;
};

// source names the document in error locations; base_dir is where a relative "bench" starts.
HilAddresses parse_addresses(const nlohmann::json& doc, const std::string& source, const std::string& base_dir);
HilAddresses load_addresses_file(const std::string& path);

}  // namespace spiceloop::hil
