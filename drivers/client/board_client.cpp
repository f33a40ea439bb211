#include "drivers/client/board_client.hpp"

#include <cmath>
#include <optional>

#include "drivers/client/scpi_text.hpp"
#include "drivers/client/serial_line.hpp"

namespace spiceloop::client {

namespace {

ClientOptions board_options(ClientOptions o) {
  o.clear_on_connect = false;  // *CLS is SCPI; the board would answer "Invalid Data Codon..."
  return o;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

// The two ways to reach a board: its lines over TCP (ScpiClient's transport) or its serial device.
struct BoardClient::Link {
  explicit Link(std::string_view address, const ClientOptions& o) : text(address) {
    if (serial_device_path(address))
      serial.emplace(address, SerialOptions{.timeout = o.timeout, .max_line_bytes = o.max_answer_bytes});
    else
      tcp.emplace(address, board_options(o));
  }
  void write(std::string_view m) { tcp ? tcp->write(m) : serial->write(m); }
  std::string read_line(std::string_view command) { return tcp ? tcp->read_line() : serial->read_line(command); }
  void close() noexcept { tcp ? tcp->close() : serial->close(); }

  std::string text;
  std::optional<ScpiClient> tcp;
  std::optional<SerialLine> serial;
};

BoardClient::BoardClient(std::string_view visa_address, ClientOptions options)
    : link_(std::make_unique<Link>(visa_address, options)) {}
BoardClient::BoardClient(BoardClient&&) noexcept = default;
BoardClient& BoardClient::operator=(BoardClient&&) noexcept = default;
BoardClient::~BoardClient() = default;

const std::string& BoardClient::address() const { return link_->text; }

std::string BoardClient::line(std::string_view message) {
  std::string answer = link_->read_line(message);
  if (answer == "Invalid Data Codon..." || answer == "Aborting experiment.") refused(message, answer);
  return answer;
}

void BoardClient::refused(std::string_view message, const std::string& answer) {
  std::string why = answer;
  try {
    link_->write("ERR;");
    const std::string err = link_->read_line("ERR;");
    if (starts_with(err, "ERR;")) why = err.substr(4, err.size() > 5 ? err.size() - 5 : 0);
  } catch (const ClientError&) {
  }
  throw ClientError(ClientErrorKind::Instrument, address(), std::string(message),
                    "the board refused it: " + why, {{-200, answer + " " + why}});
}

void BoardClient::malformed(std::string_view message, const std::string& answer, std::string_view why) {
  link_->close();  // what follows could be read as the next answer
  throw ClientError(ClientErrorKind::Malformed, address(), std::string(message),
                    std::string(why) + ": '" + answer.substr(0, 80) + "'");
}

void BoardClient::expect_ack(std::string_view message, std::string_view name) {
  link_->write(message);
  ++round_trips_;
  const std::string answer = line(message);
  if (answer != std::string(name) + " recieved!") malformed(message, answer, "not the acknowledgement");
}

void BoardClient::set_eta(double eta) { expect_ack("ETA;" + format_number(eta) + ";", "ETA"); }
void BoardClient::set_alpha(double alpha) { expect_ack("ALF;" + format_number(alpha) + ";", "ALF"); }
void BoardClient::set_steps(int steps) { expect_ack("NST;" + std::to_string(steps) + ";", "NST"); }

void BoardClient::set_array(std::string_view name, const std::vector<double>& volts) {
  std::string message = std::string(name) + ";";
  for (double v : volts)
    if (!std::isfinite(v))
      throw ClientError(ClientErrorKind::Argument, address(), message, "a value is not finite");
  if (volts.empty()) throw ClientError(ClientErrorKind::Argument, address(), message, "no values");
  if (volts.size() == 1) {
    message += "SOLO;" + format_number(volts[0]) + ";";
  } else {
    message += "MULTI;";
    for (double v : volts) message += format_number(v) + ";";
  }
  expect_ack(message, name);
}

void BoardClient::set_inputs(const std::vector<double>& volts) { set_array("INPT", volts); }
void BoardClient::set_targets(const std::vector<double>& volts) { set_array("TRGT", volts); }
void BoardClient::set_gates(const std::vector<double>& volts) { set_array("GATE", volts); }

std::vector<double> BoardClient::array(std::string_view message, const std::string& answer, std::string_view name) {
  const std::string head = std::string(name) + ";MULTI;";
  if (!starts_with(answer, head) || answer.back() != ';') malformed(message, answer, "not a " + std::string(name) + " array");
  std::vector<double> out;
  std::string_view rest = std::string_view(answer).substr(head.size());
  while (!rest.empty()) {
    const std::size_t end = rest.find(';');
    const auto v = parse_number(rest.substr(0, end));
    if (!v) malformed(message, answer, "a value that is not a number");
    out.push_back(*v);
    rest.remove_prefix(end + 1);
  }
  return out;
}

std::vector<BoardReport> BoardClient::reports(std::string_view message) {
  link_->write(message);
  ++round_trips_;
  const std::string name(message.substr(0, message.find(';')));
  if (const std::string ack = line(message); ack != name + " recieved!") malformed(message, ack, "not the acknowledgement");
  std::vector<BoardReport> out;
  for (;;) {
    const std::string head = line(message);
    if (starts_with(head, "DONE;")) return out;
    if (!starts_with(head, "STEP;")) malformed(message, head, "not a STEP or DONE line");
    BoardReport r;
    const auto step = parse_number(std::string_view(head).substr(5, head.size() > 6 ? head.size() - 6 : 0));
    if (!step) malformed(message, head, "a step that is not a number");
    r.step = static_cast<std::int64_t>(*step);
    r.free_volts = array(message, line(message), "FREE");
    r.clamped_volts = array(message, line(message), "CLMP");
    r.gate_volts = array(message, line(message), "GATE");
    out.push_back(std::move(r));
  }
}

BoardReport BoardClient::measure() {
  std::vector<BoardReport> r = reports("MEAS;");
  if (r.size() != 1) malformed("MEAS;", std::to_string(r.size()) + " reports", "MEAS answers one report");
  return std::move(r.front());
}

std::vector<BoardReport> BoardClient::run() { return reports("RUN;"); }

std::vector<double> BoardClient::relax() {
  link_->write("RELX;");
  ++round_trips_;
  if (const std::string ack = line("RELX;"); ack != "RELX recieved!") malformed("RELX;", ack, "not the acknowledgement");
  std::vector<double> v = array("RELX;", line("RELX;"), "FREE");
  if (const std::string done = line("RELX;"); !starts_with(done, "DONE;")) malformed("RELX;", done, "not DONE");
  return v;
}

BoardReadback BoardClient::read() {
  link_->write("READ;");
  ++round_trips_;
  if (const std::string ack = line("READ;"); ack != "READ recieved!") malformed("READ;", ack, "not the acknowledgement");
  BoardReadback r;
  const auto scalar = [&](std::string_view name) {
    const std::string l = line("READ;");
    const std::string head = std::string(name) + ";";
    const auto v = starts_with(l, head) && l.back() == ';'
                       ? parse_number(std::string_view(l).substr(head.size(), l.size() - head.size() - 1))
                       : std::nullopt;
    if (!v) malformed("READ;", l, "not " + std::string(name));
    return *v;
  };
  r.eta = scalar("ETA");
  r.alpha = scalar("ALF");
  r.steps = static_cast<int>(scalar("NST"));
  r.inputs = array("READ;", line("READ;"), "INPT");
  r.targets = array("READ;", line("READ;"), "TRGT");
  r.gates = array("READ;", line("READ;"), "GATE");
  if (const std::string done = line("READ;"); !starts_with(done, "DONE;")) malformed("READ;", done, "not DONE");
  return r;
}

void BoardClient::reset() { expect_ack("RST;", "RST"); }

std::string BoardClient::last_error() {
  link_->write("ERR;");
  ++round_trips_;
  const std::string l = link_->read_line("ERR;");
  if (!starts_with(l, "ERR;") || l.back() != ';') malformed("ERR;", l, "not an ERR line");
  return l.substr(4, l.size() - 5);
}

}  // namespace spiceloop::client
