// NetworkClient: LEARn / EDGE / NODE messages; see network_client.hpp for what is sent.
#include "drivers/client/network_client.hpp"

#include <cmath>

#include "drivers/client/scpi_text.hpp"

namespace spiceloop::client {

using detail::channel_list;

namespace {

// Every bit of each double, whatever format another connection left behind.
constexpr std::string_view kReal64 = "FORM:DATA REAL,64;:FORM:BORD NORM;:";

std::vector<std::string> numbers_of(const ScpiClient& c, std::string_view header, const std::vector<double>& values) {
  std::vector<std::string> texts;
  for (double v : values) texts.push_back(detail::number(c, header, v));
  return texts;
}

}  // namespace

void NetworkClient::send(const std::string& message) {
  if (checked_) client_.write_checked(message);
  else client_.write(message);
}

double NetworkClient::number(const std::string& query) {
  const auto values = client_.query_numbers(query);
  detail::expect_count(client_, query, values.size(), 1);
  return values.front();
}

int NetworkClient::integer(const std::string& query) {
  const auto values = client_.query_numbers(query);
  detail::expect_count(client_, query, values.size(), 1);
  return detail::to_integers(client_, query, values).front();
}

std::vector<double> NetworkClient::readings(const std::string& query, std::size_t count) {
  auto values = client_.query_real64(std::string(kReal64) + query, true);
  detail::expect_count(client_, query, values.size(), count);
  return values;
}

void NetworkClient::set_rule(LearningRule rule) {
  send(std::string("LEAR:RULE ") + (rule == LearningRule::CL ? "CL" : rule == LearningRule::EP ? "EP" : "SIGN"));
}

LearningRule NetworkClient::rule() {
  const std::string answer = client_.query("LEAR:RULE?");
  if (answer == "CL") return LearningRule::CL;
  if (answer == "EP") return LearningRule::EP;
  if (answer == "SIGN") return LearningRule::Sign;
  detail::malformed(client_, "LEAR:RULE?", "expected CL, EP or SIGN, got '" + answer.substr(0, 40) + "'");
}

void NetworkClient::set_eta(double eta) { send("LEAR:ETA " + detail::number(client_, "LEAR:ETA", eta)); }
double NetworkClient::eta() { return number("LEAR:ETA?"); }
void NetworkClient::set_beta(double siemens) { send("LEAR:BETA " + detail::number(client_, "LEAR:BETA", siemens)); }
double NetworkClient::beta() { return number("LEAR:BETA?"); }
void NetworkClient::set_rate(double alpha) { send("LEAR:RATE " + detail::number(client_, "LEAR:RATE", alpha)); }
double NetworkClient::rate() { return number("LEAR:RATE?"); }

void NetworkClient::set_target(const Channels& outputs, double volts) {
  send("LEAR:TARG " + detail::number(client_, "LEAR:TARG", volts) + ',' + channel_list(client_, "LEAR:TARG", outputs));
}

void NetworkClient::set_targets(const Channels& outputs, const std::vector<double>& volts) {
  send(detail::units_per_value(client_, "LEAR:TARG", outputs, numbers_of(client_, "LEAR:TARG", volts)));
}

std::vector<double> NetworkClient::targets(const Channels& outputs) {
  const std::string query = "LEAR:TARG? " + channel_list(client_, "LEAR:TARG?", outputs);
  auto values = client_.query_numbers(query);
  detail::expect_count(client_, query, values.size(), outputs.size());
  return values;
}

void NetworkClient::clock(int cycles) {
  // The cycles run inside LEAR:CLOC, so *OPC? answers once they are done; it answers 1 even when
  // the clock was refused or failed, which only the error queue tells.
  const std::string message = "LEAR:CLOC " + std::to_string(cycles) + ";*OPC?";
  const std::string answer = client_.query(message);
  if (answer != "1") detail::malformed(client_, message, "expected 1 from *OPC?, got '" + answer.substr(0, 40) + "'");
  if (checked_) client_.check_errors();
}

std::int64_t NetworkClient::clock_count() {
  const double n = number("LEAR:CLOC:COUN?");
  if (n != std::floor(n) || n < 0 || n > 9e15) detail::malformed(client_, "LEAR:CLOC:COUN?", "expected a count, got " + format_number(n));
  return static_cast<std::int64_t>(n);
}

double NetworkClient::cost() { return number("LEAR:COST?"); }

void NetworkClient::set_edge_code(const Channels& edges, int code) {
  send("EDGE:CODE " + std::to_string(code) + ',' + channel_list(client_, "EDGE:CODE", edges));
}

void NetworkClient::set_edge_codes(const Channels& edges, const std::vector<int>& codes) {
  std::vector<std::string> texts;
  for (int c : codes) texts.push_back(std::to_string(c));
  send(detail::units_per_value(client_, "EDGE:CODE", edges, texts));
}

std::vector<int> NetworkClient::edge_codes(const Channels& edges) {
  const std::string query = "EDGE:CODE? " + channel_list(client_, "EDGE:CODE?", edges);
  const auto values = client_.query_numbers(query);
  detail::expect_count(client_, query, values.size(), edges.size());
  return detail::to_integers(client_, query, values);
}

void NetworkClient::set_edge_conductance(const Channels& edges, double siemens) {
  send("EDGE:COND " + detail::number(client_, "EDGE:COND", siemens) + ',' + channel_list(client_, "EDGE:COND", edges));
}

void NetworkClient::set_edge_conductances(const Channels& edges, const std::vector<double>& siemens) {
  send(detail::units_per_value(client_, "EDGE:COND", edges, numbers_of(client_, "EDGE:COND", siemens)));
}

std::vector<double> NetworkClient::edge_conductances(const Channels& edges) {
  return readings("EDGE:COND? " + channel_list(client_, "EDGE:COND?", edges), edges.size());
}

void NetworkClient::preset_edges() { send("EDGE:PRES"); }

std::vector<double> NetworkClient::node_volts(TwinCopy copy, const Channels& nodes) {
  const char* which = copy == TwinCopy::Free ? "FREE" : copy == TwinCopy::Clamped ? "CLAM" : "NUDG";
  return readings("NODE:VOLT? " + std::string(which) + ',' + channel_list(client_, "NODE:VOLT?", nodes), nodes.size());
}

int NetworkClient::output_count() { return integer("LEAR:TARG:COUN?"); }
int NetworkClient::edge_count() { return integer("EDGE:COUN?"); }
int NetworkClient::node_count() { return integer("NODE:COUN?"); }
void NetworkClient::reset() { send("*RST"); }

}  // namespace spiceloop::client
