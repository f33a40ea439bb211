#include "drivers/client/hil/addresses.hpp"

#include <filesystem>

#include "drivers/client/serial_line.hpp"
#include "drivers/client/visa_address.hpp"
#include "emulator/core/json_text.hpp"

namespace spiceloop::hil {

namespace {

// Every problem is one of the ids named in addresses.hpp; the JSON text layer's keep their names.
const DocumentKind kAddressesDocument{.prefix = "hil"};

// serial_ok: the key may also name a serial device, ASRL<path>::INSTR (a board on its USB port).
std::optional<std::string> address(const JsonObject& doc, const std::string& key, bool required, bool serial_ok = false) {
  if (!doc.has(key)) {
    if (!required) return std::nullopt;
    doc.fail("missing_instrument", key,
             "no \"" + key + "\" address; the HIL backend needs the " + key +
                 " (e.g. \"TCPIP0::127.0.0.1::5025::SOCKET\")");
  }
  const nlohmann::json& v = doc.at(key);
  if (!v.is_string()) doc.fail("address", key, "must be a VISA resource string");
  if (serial_ok && client::serial_device_path(v.get<std::string>())) return v.get<std::string>();
  try {
    client::VisaAddress::parse(v.get<std::string>());
  } catch (const client::AddressError& e) {
    doc.fail("address", key, e.what());
  }
  return v.get<std::string>();
}

std::string resolved(const std::string& base_dir, const std::filesystem::path& path) {
  return (path.is_absolute() ? path : std::filesystem::path(base_dir) / path).lexically_normal().string();
}

}  // namespace

HilAddresses parse_addresses(const nlohmann::json& doc, const std::string& source, const std::string& base_dir) {
  const JsonOrigin origin{source, ""};
  if (!doc.is_object() || !doc.contains("spiceloop_addresses"))
    kAddressesDocument.fail("not_addresses", origin.where(""),
                            "not an addresses file (no \"spiceloop_addresses\" key); write one with "
                            "`spiceloop serve BENCH --addresses FILE` or by hand (drivers/client/hil/README.md)");
  const JsonObject o(doc, kAddressesDocument, origin, "", "an addresses file");
  const nlohmann::json& version = o.at("spiceloop_addresses");
  if (!version.is_number_integer() || version.get<long long>() != 1)
    o.fail("version", "spiceloop_addresses", "only version 1 is understood");
  if (o.has("board")) {
    const nlohmann::json* network = o.find("network");
    if (!network || !network->is_string() || network->get<std::string>().empty())
      o.fail("network", "network", "a board's addresses need the network file (a path string) the board holds");
    HilAddresses a;
    a.file = source;
    a.network_path = resolved(base_dir, network->get<std::string>());
    if (!std::filesystem::exists(a.network_path))
      o.fail("network", "network", "network file '" + a.network_path + "' does not exist");
    a.board = address(o, "board", true, true);
    return a;
  }
  const nlohmann::json* bench = o.find("bench");
  if (!bench || !bench->is_string() || bench->get<std::string>().empty())
    o.fail("bench", "bench", "needs the bench file (a path string) the instruments are wired by");

  HilAddresses a;
  a.file = source;
  a.bench_path = resolved(base_dir, bench->get<std::string>());
  if (!std::filesystem::exists(a.bench_path))
    o.fail("bench", "bench", "bench file '" + a.bench_path + "' does not exist");
  a.source = *address(o, "source", true);
  a.scanner = *address(o, "scanner", true);
  a.digipots = address(o, "digipots", false);
  a.pulser = address(o, "pulser", false);
  return a;
}

HilAddresses load_addresses_file(const std::string& path) {
  // Size limit, duplicate keys, syntax errors with line:column (emulator/core/json_text.hpp).
  const nlohmann::json doc = load_json_file(path, kAddressesDocument);
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  return parse_addresses(doc, path, dir.empty() ? "." : dir.string());
}

}  // namespace spiceloop::hil
