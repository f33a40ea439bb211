// SourceClient: N6700 channel-list messages; see source_client.hpp for what is sent.
#include "drivers/client/source_client.hpp"

namespace spiceloop::client {

using detail::channel_list;
using detail::number;

void SourceClient::send(const std::string& message) {
  if (checked_) client_.write_checked(message);
  else client_.write(message);
}

std::vector<double> SourceClient::numbers(const std::string& query, std::size_t count) {
  auto values = client_.query_numbers(query);
  detail::expect_count(client_, query, values.size(), count);
  return values;
}

void SourceClient::set_volts(const Channels& channels, double volts) {
  send("VOLT " + number(client_, "VOLT", volts) + ',' + channel_list(client_, "VOLT", channels));
}

void SourceClient::set_volts(const Channels& channels, const std::vector<double>& volts) {
  std::vector<std::string> texts;
  for (double v : volts) texts.push_back(number(client_, "VOLT", v));
  send(detail::units_per_value(client_, "VOLT", channels, texts));
}

std::vector<double> SourceClient::volts(const Channels& channels) {
  return numbers("VOLT? " + channel_list(client_, "VOLT?", channels), channels.size());
}

void SourceClient::set_current_limit(const Channels& channels, double amps) {
  send("CURR " + number(client_, "CURR", amps) + ',' + channel_list(client_, "CURR", channels));
}

std::vector<double> SourceClient::current_limits(const Channels& channels) {
  return numbers("CURR? " + channel_list(client_, "CURR?", channels), channels.size());
}

void SourceClient::output(const Channels& channels, bool on) {
  send(std::string("OUTP ") + (on ? "ON," : "OFF,") + channel_list(client_, "OUTP", channels));
}

std::vector<bool> SourceClient::outputs(const Channels& channels) {
  const std::string query = "OUTP? " + channel_list(client_, "OUTP?", channels);
  return detail::to_booleans(client_, query, numbers(query, channels.size()));
}

std::vector<double> SourceClient::measure_volts(const Channels& channels) {
  return numbers("MEAS:VOLT? " + channel_list(client_, "MEAS:VOLT?", channels), channels.size());
}

std::vector<double> SourceClient::measure_amps(const Channels& channels) {
  return numbers("MEAS:CURR? " + channel_list(client_, "MEAS:CURR?", channels), channels.size());
}

int SourceClient::channel_count() {
  const auto values = numbers("SYST:CHAN?", 1);
  return detail::to_integers(client_, "SYST:CHAN?", values).front();
}

void SourceClient::reset() { send("*RST"); }

}  // namespace spiceloop::client
