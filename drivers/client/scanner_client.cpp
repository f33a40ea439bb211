// ScannerClient: configuration units and reading queries, each reading query carrying its data format.
#include "drivers/client/scanner_client.hpp"

#include "drivers/client/scpi_text.hpp"

namespace spiceloop::client {

using detail::channel_list;

void ScannerClient::send(const std::string& message) {
  if (checked_) client_.write_checked(message);
  else client_.write(message);
}

std::vector<double> ScannerClient::readings(const std::string& query) {
  // FORM:BORD NORM too: a byte order left SWAPped by another connection would garble every value.
  if (format_ == ScanFormat::Real64) return client_.query_real64("FORM:DATA REAL,64;:FORM:BORD NORM;:" + query, true);
  return client_.query_numbers("FORM:DATA ASC;:" + query);
}

void ScannerClient::configure_volts_dc(const Channels& channels) {
  const std::string list = channel_list(client_, "CONF:VOLT:DC", channels);
  send("CONF:VOLT:DC " + list + ";:ROUT:SCAN " + list);
}

void ScannerClient::set_nplc(const Channels& channels, double nplc) {
  send("SENS:VOLT:DC:NPLC " + detail::number(client_, "SENS:VOLT:DC:NPLC", nplc) + ',' +
       channel_list(client_, "SENS:VOLT:DC:NPLC", channels));
}

int ScannerClient::scan_size() {
  const auto values = client_.query_numbers("ROUT:SCAN:SIZE?");
  detail::expect_count(client_, "ROUT:SCAN:SIZE?", values.size(), 1);
  return detail::to_integers(client_, "ROUT:SCAN:SIZE?", values).front();
}

std::vector<int> ScannerClient::scan_list() {
  const std::string text = client_.query_block("ROUT:SCAN?");
  auto channels = parse_channel_list(text);
  if (!channels) detail::malformed(client_, "ROUT:SCAN?", "not a channel list: '" + text + "'");
  return std::move(*channels);
}

std::vector<double> ScannerClient::read() { return readings("READ?"); }
void ScannerClient::initiate() { send("INIT"); }
std::vector<double> ScannerClient::fetch() { return readings("FETC?"); }
void ScannerClient::abort() { send("ABOR"); }

std::vector<double> ScannerClient::measure_volts(const Channels& channels) {
  const std::string query = "MEAS:VOLT:DC? " + channel_list(client_, "MEAS:VOLT:DC?", channels);
  auto values = readings(query);
  detail::expect_count(client_, query, values.size(), channels.size());
  return values;
}

}  // namespace spiceloop::client
