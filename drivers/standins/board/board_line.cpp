#include "drivers/standins/board/board_line.hpp"

#include <cmath>
#include <exception>

#include "drivers/server/port_work.hpp"
#include "emulator/core/error.hpp"
#include "emulator/core/numbers.hpp"
#include "emulator/network/validate.hpp"

namespace spiceloop::standins {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trimmed(std::string_view t) {
  while (!t.empty() && is_space(t.front())) t.remove_prefix(1);
  while (!t.empty() && is_space(t.back())) t.remove_suffix(1);
  return t;
}

// What a refusal quotes of a token: printable ASCII only, at most 40 bytes, no ';'.
std::string quoted(std::string_view t) {
  std::string out;
  for (char c : t.substr(0, 40)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u > 0x7e || c == ';') ? '?' : c;
  }
  return "'" + out + "'";
}

bool number(std::string_view t, double& v) {
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  if (t.empty() || t.front() == '+') return false;
  return parse_double(t, v) && std::isfinite(v);
}

std::string multi(const std::vector<double>& values) {
  std::string out = "MULTI;";
  for (double v : values) out += format_double(v) + ";";
  return out;
}

bool is_array(std::string_view c) { return c == "INPT" || c == "TRGT" || c == "GATE"; }
bool is_parameter(std::string_view c) { return c == "ETA" || c == "ALF" || c == "NST"; }
bool is_command(std::string_view c) {
  return c == "RUN" || c == "MEAS" || c == "RELX" || c == "READ" || c == "ERR" || c == "RST" || c == "STOP";
}

}  // namespace

bool is_board_stop_line(std::string_view line) { return trimmed(line) == "STOP;"; }

BoardSettings::BoardSettings(const BoardMachine& machine) : initial_gates(machine.gates()) { reset(machine.network()); }

void BoardSettings::reset(const Network& net) {
  eta = 0.5;
  alpha = 0.0;
  steps_per_run = 1;
  inputs.clear();
  for (const Input& in : net.inputs) inputs.push_back(in.volts);
  targets.assign(net.outputs.size(), 0.0);
  steps = 0;
  last_error = "none";
}

BoardLine::BoardLine(BoardMachine& machine, BoardSettings& settings, BoardLineOptions options)
    : machine_(machine), options_(std::move(options)), s_(settings), gate_edges_(gate_edges(machine.network())) {}

void BoardLine::feed(std::string_view bytes) {
  for (char c : bytes) {
    if (expect_ == Expect::LineEnd) {
      if (c == '\r' || c == '\n') expect_ = Expect::Codon;
      continue;
    }
    if (c == ';') {
      const std::string t(trimmed(token_));
      const bool overlong = overlong_;
      token_.clear();
      overlong_ = false;
      if (!t.empty() || overlong) token(t, overlong);
    } else if (token_.empty() && is_space(c)) {
      // leading blanks never fill the buffer
    } else if (token_.size() < options_.max_token_bytes) {
      token_ += c;
    } else {
      overlong_ = true;
    }
  }
}

std::string BoardLine::take_output() {
  std::string out;
  out.swap(output_);
  return out;
}

void BoardLine::answer(const std::string& line) {
  if (output_.size() + line.size() + options_.eol.size() > options_.max_output_bytes) {
    ++dropped_;
    return;
  }
  output_ += line;
  output_ += options_.eol;
}

void BoardLine::invalid(const std::string& why) {
  s_.last_error = why;
  answer("Invalid Data Codon...");
}

void BoardLine::abort(const std::string& why) {
  s_.last_error = why;
  pending_.clear();
  array_.clear();
  expect_ = Expect::LineEnd;
  answer("Aborting experiment.");
}

void BoardLine::token(std::string_view t, bool overlong) {
  if (overlong) {
    const std::string why = "a token longer than " + std::to_string(options_.max_token_bytes) + " bytes";
    if (expect_ == Expect::Codon)
      invalid(why);
    else
      abort(why + " where " + pending_ + " wanted a value");
    return;
  }
  switch (expect_) {
    case Expect::Codon: codon(t); break;
    case Expect::Value: value(t); break;
    case Expect::ArrayForm:
      if (t == "SOLO") {
        expect_ = Expect::SoloValue;
      } else if (t == "MULTI") {
        expect_ = Expect::MultiValue;
      } else {
        abort(pending_ + " wants SOLO or MULTI, not " + quoted(t));
      }
      break;
    case Expect::SoloValue:
    case Expect::MultiValue: array_value(t); break;
    case Expect::LineEnd: break;
  }
}

void BoardLine::codon(std::string_view t) {
  if (is_parameter(t)) {
    pending_ = t;
    expect_ = Expect::Value;
  } else if (is_array(t)) {
    pending_ = t;
    array_.clear();
    expect_ = Expect::ArrayForm;
  } else if (is_command(t)) {
    run_command(t);
  } else {
    invalid("unknown codon " + quoted(t) + " (ETA ALF NST INPT TRGT GATE RUN MEAS RELX READ ERR RST STOP)");
  }
}

void BoardLine::value(std::string_view t) {
  double v = 0;
  if (!number(t, v)) return abort(pending_ + " wants a finite decimal number, not " + quoted(t));
  if (pending_ == "ETA") {
    if (!(v > 0.0 && v <= 1.0)) return abort("ETA " + format_double(v) + " outside (0, 1]");
    s_.eta = v;
  } else if (pending_ == "ALF") {
    if (!(v >= 0.0 && v <= 1e6)) return abort("ALF " + format_double(v) + " outside [0, 1e6]");
    s_.alpha = v;
  } else {
    if (v != std::floor(v) || v < 1 || v > options_.max_steps)
      return abort("NST " + format_double(v) + " is not a whole number in 1.." + std::to_string(options_.max_steps));
    s_.steps_per_run = static_cast<int>(v);
  }
  answer(pending_ + " recieved!");
  pending_.clear();
  expect_ = Expect::Codon;
}

std::size_t BoardLine::array_size(std::string_view name) const {
  const Network& net = machine_.network();
  if (name == "INPT") return net.inputs.size();
  if (name == "TRGT") return net.outputs.size();
  return gate_edges_.size();
}

bool BoardLine::array_value_ok(double v, std::size_t i, std::string& why) const {
  if (pending_ == "GATE") {
    const Edge& e = machine_.network().edges[gate_edges_[i]];
    if (v >= e.min_gate_volts && v <= e.max_gate_volts) return true;
    why = "GATE " + std::to_string(i + 1) + " (" + e.name + ") " + format_double(v) + " V outside " +
          format_double(e.min_gate_volts) + ".." + format_double(e.max_gate_volts) + " V";
    return false;
  }
  if (std::abs(v) <= network_limits::kMaxAbsVolts) return true;
  why = pending_ + " " + std::to_string(i + 1) + " " + format_double(v) + " V beyond +/-1000 V";
  return false;
}

void BoardLine::array_value(std::string_view t) {
  double v = 0;
  if (!number(t, v)) return abort(pending_ + " wants finite decimal numbers, not " + quoted(t));
  const std::size_t n = array_size(pending_);
  if (expect_ == Expect::SoloValue) {
    std::string why;
    for (std::size_t i = 0; i < n; ++i)
      if (!array_value_ok(v, i, why)) return abort(why);
    array_.assign(n, v);
  } else {
    std::string why;
    if (!array_value_ok(v, array_.size(), why)) return abort(why);
    array_.push_back(v);
    if (array_.size() < n) return;
  }
  if (pending_ == "INPT")
    s_.inputs = array_;
  else if (pending_ == "TRGT")
    s_.targets = array_;
  else
    try {
      machine_.set_gates(array_);
    } catch (const std::exception& e) {
      return abort(std::string("GATE: ") + e.what());
    }
  answer(pending_ + " recieved!");
  pending_.clear();
  array_.clear();
  expect_ = Expect::Codon;
}

BoardDrive BoardLine::drive() const {
  BoardDrive d;
  d.input_volts = s_.inputs;
  d.target_volts = s_.targets;
  d.eta = s_.eta;
  d.alpha = s_.alpha;
  return d;
}

void BoardLine::report(std::int64_t step, const TwinState& twin) {
  answer("STEP;" + std::to_string(step) + ";");
  answer("FREE;" + multi(twin.free.node_volts));
  answer("CLMP;" + multi(twin.clamped.node_volts));
  answer("GATE;" + multi(machine_.gates()));
}

void BoardLine::run_command(std::string_view c) {
  if (c == "ERR") {
    std::string why;
    for (char ch : s_.last_error) why += ch == ';' ? ',' : ch;
    answer("ERR;" + why + ";");
    return;
  }
  const std::string name(c);
  answer(name + " recieved!");
  if (c == "STOP") return;  // nothing runs now: a RUN it stops never gets here (yield_port below)
  if (c == "RST") {
    s_.reset(machine_.network());
    try {
      machine_.set_gates(s_.initial_gates);
    } catch (const std::exception& e) {
      abort(std::string("RST: ") + e.what());
    }
    return;
  }
  if (c == "READ") {
    answer("ETA;" + format_double(s_.eta) + ";");
    answer("ALF;" + format_double(s_.alpha) + ";");
    answer("NST;" + std::to_string(s_.steps_per_run) + ";");
    answer("INPT;" + multi(s_.inputs));
    answer("TRGT;" + multi(s_.targets));
    answer("GATE;" + multi(machine_.gates()));
    answer("DONE;0;");
    return;
  }
  int done = 0;
  try {
    if (c == "RELX") {
      answer("FREE;" + multi(machine_.relax(s_.inputs)));
    } else if (c == "MEAS") {
      report(s_.steps, machine_.measure(drive()));
    } else {
      for (; done < s_.steps_per_run; ++done) {
        // Between steps the board's other port may run a command, and a STOP; line read on this
        // port while the RUN runs stops it here (the steps done stand).
        if (server::yield_port())
          return abort("RUN stopped by STOP after " + std::to_string(done) + " of " +
                       std::to_string(s_.steps_per_run) + " steps");
        const TwinState twin = machine_.learn(drive());
        report(++s_.steps, twin);
      }
    }
  } catch (const std::exception& e) {
    return abort(name + " after " + std::to_string(done) + " steps: " + e.what());
  }
  answer("DONE;" + std::to_string(done) + ";");
}

}  // namespace spiceloop::standins
