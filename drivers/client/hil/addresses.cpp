#include "drivers/client/hil/addresses.hpp"

#include <filesystem>

#include "drivers/client/visa_address.hpp"
#include "emulator/core/error.hpp"
#include "emulator/network/load.hpp"

namespace spiceloop::hil {

namespace {

std::string at(const std::string& source, const std::string& pointer) {
  return source.empty() ? pointer : source + "#" + pointer;
}

std::optional<std::string> address(const nlohmann::json& doc, const std::string& source, const std::string& key,
                                   bool required) {
  const std::string where = at(source, "/" + key);
  if (!doc.contains(key)) {
    if (!required) return std::nullopt;
    throw InputError("hil.missing_instrument", where,
                     "no \"" + key + "\" address; the HIL backend needs the " + key +
                         " (e.g. \"TCPIP0::127.0.0.1::5025::SOCKET\")");
  }
  const nlohmann::json& v = doc.at(key);
  if (!v.is_string()) throw InputError("hil.address", where, "must be a VISA resource string");
  try {
    client::VisaAddress::parse(v.get<std::string>());
  } catch (const client::AddressError& e) {
    throw InputError("hil.address", where, e.what());
  }
  return v.get<std::string>();
}

}  // namespace

HilAddresses parse_addresses(const nlohmann::json& doc, const std::string& source, const std::string& base_dir) {
  if (!doc.is_object() || !doc.contains("spiceloop_addresses"))
    throw InputError("hil.not_addresses", at(source, ""),
                     "not an addresses file (no \"spiceloop_addresses\" key); write one with "
                     "`spiceloop serve BENCH --addresses FILE` or by hand (drivers/client/hil/README.md)");
  const nlohmann::json& version = doc.at("spiceloop_addresses");
  if (!version.is_number_integer() || version.get<long long>() != 1)
    throw InputError("hil.version", at(source, "/spiceloop_addresses"), "only version 1 is understood");
  if (!doc.contains("bench") || !doc.at("bench").is_string() || doc.at("bench").get<std::string>().empty())
    throw InputError("hil.bench", at(source, "/bench"), "needs the bench file (a path string) the instruments are wired by");

  HilAddresses a;
  a.file = source;
  const std::filesystem::path bench = doc.at("bench").get<std::string>();
  a.bench_path = (bench.is_absolute() ? bench : std::filesystem::path(base_dir) / bench).lexically_normal().string();
  if (!std::filesystem::exists(a.bench_path))
    throw InputError("hil.bench", at(source, "/bench"), "bench file '" + a.bench_path + "' does not exist");
  a.source = *address(doc, source, "source", true);
  a.scanner = *address(doc, source, "scanner", true);
  a.digipots = address(doc, source, "digipots", false);
  return a;
}

HilAddresses load_addresses_file(const std::string& path) {
  // The network loader's JSON layer: size limit, duplicate keys, syntax errors with line:column.
  const nlohmann::json doc = parse_json_text(read_text_file(path, "hil"), path, "hil");
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  return parse_addresses(doc, path, dir.empty() ? "." : dir.string());
}

}  // namespace spiceloop::hil
