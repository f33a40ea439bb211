// PulserClient: PULS:AMPL / PULS:COUN / INIT messages; see pulser_client.hpp for what is sent.
#include "drivers/client/pulser_client.hpp"

#include <cstdlib>
#include <string>

#include "drivers/client/scpi_text.hpp"

namespace spiceloop::client {

using detail::channel_list;

void PulserClient::send(const std::string& message) {
  if (checked_) client_.write_checked(message);
  else client_.write(message);
}

void PulserClient::pulse(const Channels& channels, const std::vector<int>& counts, double volts) {
  if (channels.size() != counts.size())
    detail::argument_error(client_, "PULS", std::to_string(channels.size()) + " channels but " +
                                                std::to_string(counts.size()) + " counts");
  const std::string amplitude = detail::number(client_, "PULS:AMPL", std::abs(volts));
  Channels fired;
  std::vector<std::string> levels, sizes;
  for (std::size_t i = 0; i < channels.size(); ++i) {
    if (counts[i] == 0) continue;
    fired.push_back(channels[i]);
    levels.push_back(counts[i] > 0 ? amplitude : '-' + amplitude);
    sizes.push_back(std::to_string(std::abs(counts[i])));
  }
  if (fired.empty()) return;
  send(detail::units_per_value(client_, "PULS:AMPL", fired, levels) + ';' +
       detail::units_per_value(client_, "PULS:COUN", fired, sizes) + ";:INIT " + format_channel_list(fired));
}

void PulserClient::set_amplitude(const Channels& channels, double volts) {
  send("PULS:AMPL " + detail::number(client_, "PULS:AMPL", volts) + ',' + channel_list(client_, "PULS:AMPL", channels));
}

void PulserClient::set_count(const Channels& channels, int count) {
  send("PULS:COUN " + std::to_string(count) + ',' + channel_list(client_, "PULS:COUN", channels));
}

void PulserClient::fire(const Channels& channels) { send("INIT " + channel_list(client_, "INIT", channels)); }

std::vector<double> PulserClient::amplitudes(const Channels& channels) {
  const std::string query = "PULS:AMPL? " + channel_list(client_, "PULS:AMPL?", channels);
  auto values = client_.query_numbers(query);
  detail::expect_count(client_, query, values.size(), channels.size());
  return values;
}

std::vector<int> PulserClient::counts(const Channels& channels) {
  const std::string query = "PULS:COUN? " + channel_list(client_, "PULS:COUN?", channels);
  const auto values = client_.query_numbers(query);
  detail::expect_count(client_, query, values.size(), channels.size());
  return detail::to_integers(client_, query, values);
}

}  // namespace spiceloop::client
