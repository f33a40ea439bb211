// DigipotClient: DPOT:CODE / DPOT:STEP / DPOT:RES? messages; see digipot_client.hpp for what is sent.
#include "drivers/client/digipot_client.hpp"

#include <cstdlib>

namespace spiceloop::client {

using detail::channel_list;

void DigipotClient::send(const std::string& message) {
  if (checked_) client_.write_checked(message);
  else client_.write(message);
}

void DigipotClient::set_code(const Channels& channels, int code) {
  send("DPOT:CODE " + std::to_string(code) + ',' + channel_list(client_, "DPOT:CODE", channels));
}

void DigipotClient::set_codes(const Channels& channels, const std::vector<int>& codes) {
  std::vector<std::string> texts;
  for (int c : codes) texts.push_back(std::to_string(c));
  send(detail::units_per_value(client_, "DPOT:CODE", channels, texts));
}

std::vector<int> DigipotClient::codes(const Channels& channels) {
  const std::string query = "DPOT:CODE? " + channel_list(client_, "DPOT:CODE?", channels);
  const auto values = client_.query_numbers(query);
  detail::expect_count(client_, query, values.size(), channels.size());
  return detail::to_integers(client_, query, values);
}

void DigipotClient::step(const Channels& channels, int steps) {
  const std::string list = channel_list(client_, "DPOT:STEP", channels);
  if (steps == 0) return;
  send(std::string("DPOT:STEP ") + (steps > 0 ? "UP," : "DOWN,") + std::to_string(std::abs(steps)) + ',' + list);
}

std::vector<double> DigipotClient::resistance_ohms(const Channels& channels) {
  const std::string query = "DPOT:RES? " + channel_list(client_, "DPOT:RES?", channels);
  auto values = client_.query_numbers(query);
  detail::expect_count(client_, query, values.size(), channels.size());
  return values;
}

}  // namespace spiceloop::client
